package dev.memscope.mitigate;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wen et al. (ICLR 2024), inference-time mitigation, in the authors' form: before sampling, optimize ONE text
 * embedding e per prompt at the first DDIM timestep, jointly over all of that prompt's samples in the batch (their
 * initial noises x_T^1..x_T^n), minimizing the plain L2 norm of the batch's text-conditional noise difference
 * {@code L(e) = ||[eps(x_T^k, t_1, e) - eps(x_T^k, t_1, null)]_k||_2}; stop once {@code L <= target * sqrt(n)} or
 * after {@link #maxSteps} updates, then sample every image of the prompt with the optimized embedding. The target
 * is per image ({@code sqrt(n)} scales it to the batch, so that it does not depend on --images; at the authors'
 * fixed batch size this is their fixed target loss). A prompt's samples must be in one batch to be optimized
 * together (MemBenchRun keeps a prompt's images adjacent; a prompt split across two batches gets one embedding per
 * part).
 *
 * <p>Optimizer: AdamW with the paper's lr 0.05 and torch's defaults otherwise (betas 0.9/0.999, eps 1e-8, weight
 * decay 0.01: the authors' code builds {@code torch.optim.AdamW([emb], lr=0.05)} without a weight-decay argument).
 * The gradient {@code sum_k J_e^T (eps_c^k - eps_u^k) / L} comes from the model ({@link EmbeddingGradientDenoiser}; exact in
 * the lab). Norms are the L2 norm over all C*H*W elements, as {@link dev.memscope.kernels.ScoreKernels#diffNorm}.
 *
 * <p>Default target {@value #DEFAULT_TARGET}: about the median of the non-memorized prompts' norm at t = 981 on the
 * default lab world (docs/mitigation.md gives the measurement); memorized prompts start far above it.
 */
public final class WenEmbeddingOptimization implements Mitigation {
    public static final double DEFAULT_TARGET = 1.47;
    public static final int DEFAULT_MAX_STEPS = 10;
    public static final double LR = 0.05;
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double ADAM_EPS = 1e-8;
    public static final double WEIGHT_DECAY = 0.01;

    private final EmbeddingGradientDenoiser model;
    private final int firstTimestep;
    private final double target;
    private final int maxSteps;

    private long samples;
    private long optimizationSteps;
    private long reached;
    private long forwardPasses;
    private long vjps;
    private double initialNormSum;
    private double finalNormSum;

    public WenEmbeddingOptimization(MitigationContext ctx) {
        this(ctx, DEFAULT_TARGET, DEFAULT_MAX_STEPS);
    }

    public WenEmbeddingOptimization(MitigationContext ctx, double target, int maxSteps) {
        if (!(ctx.model() instanceof EmbeddingGradientDenoiser m)) {
            throw new IllegalArgumentException("wen: the model (" + ctx.model().getClass().getSimpleName()
                    + ") cannot differentiate its output with respect to the prompt embedding");
        }
        if (!(target >= 0) || !Double.isFinite(target)) {
            throw new IllegalArgumentException("wen: target norm must be finite and >= 0, got " + target);
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("wen: max optimization steps must be >= 0, got " + maxSteps);
        }
        this.model = m;
        this.firstTimestep = NoiseSchedule.stableDiffusion().ddimTimesteps(ctx.steps())[0];
        this.target = target;
        this.maxSteps = maxSteps;
    }

    @Override
    public String name() {
        return "wen";
    }

    public double target() {
        return target;
    }

    @Override
    public Plan plan(String[] prompts, long[] seeds, TensorF32 xT) {
        int b = prompts.length;
        if (xT.batch() != b) {
            throw new IllegalArgumentException("wen: " + b + " prompts for a noise batch of " + xT.batch());
        }
        Condition[] conds = new Condition[b];
        for (int i = 0; i < b; i++) {
            conds[i] = model.condition(prompts[i]);
        }
        int n = xT.shape().sampleSize();
        TensorF32 epsU = TensorF32.zeros(xT.shape());
        Condition[] nulls = new Condition[b];
        Arrays.fill(nulls, Condition.NULL);
        model.predict(xT, firstTimestep, nulls, epsU);
        forwardPasses += b;

        // One embedding per prompt, optimized jointly over all of that prompt's samples in the batch (the authors
        // optimize one prompt embedding on a batch of num_images_per_prompt latents). The empty prompt is sampled
        // as given.
        Map<String, List<Integer>> byPrompt = new LinkedHashMap<>();
        for (int i = 0; i < b; i++) {
            if (!conds[i].isNull()) {
                byPrompt.computeIfAbsent(prompts[i], k -> new ArrayList<>()).add(i);
            }
        }
        List<int[]> groups = new ArrayList<>();
        byPrompt.values().forEach(g -> groups.add(g.stream().mapToInt(Integer::intValue).toArray()));
        int gn = groups.size();
        double[][] emb = new double[gn][];
        AdamW[] opt = new AdamW[gn];
        Condition[] gc = new Condition[gn];
        for (int g = 0; g < gn; g++) {
            gc[g] = conds[groups.get(g)[0]];
            float[] e = gc[g].embedding();
            emb[g] = new double[e.length];
            for (int j = 0; j < e.length; j++) {
                emb[g][j] = e[j];
            }
            opt[g] = new AdamW(e.length, LR, BETA1, BETA2, ADAM_EPS, WEIGHT_DECAY);
        }
        List<Integer> active = new ArrayList<>();
        for (int g = 0; g < gn; g++) {
            active.add(g);
        }
        for (int step = 0; !active.isEmpty(); step++) {
            int[] rowsOf = active.stream().flatMap(g -> Arrays.stream(groups.get(g)).boxed())
                    .mapToInt(Integer::intValue).toArray();
            int a = rowsOf.length;
            TensorF32 xs = rows(xT, rowsOf);
            Condition[] cs = new Condition[a];
            int r0 = 0;
            for (int g : active) {
                for (int k = 0; k < groups.get(g).length; k++) {
                    cs[r0++] = gc[g];
                }
            }
            TensorF32 epsC = TensorF32.zeros(xs.shape());
            model.predict(xs, firstTimestep, cs, epsC);
            forwardPasses += a;
            TensorF32 diff = TensorF32.zeros(xs.shape());
            float[] dd = diff.data();
            List<Integer> next = new ArrayList<>();
            List<Integer> nextRows = new ArrayList<>();
            int r = 0;
            for (int g : active) {
                int[] members = groups.get(g);
                double norm2 = 0;
                for (int k = 0; k < members.length; k++) {
                    int i = members[k];
                    for (int j = 0; j < n; j++) {
                        double d = (double) epsC.data()[(r + k) * n + j] - epsU.data()[i * n + j];
                        norm2 += d * d;
                    }
                }
                double norm = Math.sqrt(norm2);   // the plain L2 norm of the group's eps_c - eps_u
                if (step == 0) {
                    initialNormSum += norm / Math.sqrt(members.length) * members.length;
                }
                boolean done = norm <= target * Math.sqrt(members.length);
                if (done || step == maxSteps) {
                    samples += members.length;
                    optimizationSteps += (long) step * members.length;
                    reached += done ? members.length : 0;
                    finalNormSum += norm / Math.sqrt(members.length) * members.length;
                } else {
                    next.add(g);
                    for (int k = 0; k < members.length; k++) {
                        nextRows.add(r + k);
                        for (int j = 0; j < n; j++) {
                            // d ||D|| / d eps_c = D / ||D|| (norm > target >= 0 here, so it is not zero)
                            double d = (double) epsC.data()[(r + k) * n + j] - epsU.data()[members[k] * n + j];
                            dd[(r + k) * n + j] = (float) (d / norm);
                        }
                    }
                }
                r += members.length;
            }
            if (next.isEmpty()) {
                break;
            }
            int[] keep = nextRows.stream().mapToInt(Integer::intValue).toArray();
            TensorF32 xk = keep.length == a ? xs : rows(xs, keep);
            TensorF32 vk = keep.length == a ? diff : rows(diff, keep);
            Condition[] ck = new Condition[keep.length];
            for (int k = 0; k < keep.length; k++) {
                ck[k] = cs[keep[k]];
            }
            int e = ck[0].embedding().length;
            float[] grad = new float[keep.length * e];
            model.embeddingVjp(xk, firstTimestep, ck, vk, grad);
            vjps += keep.length;
            int k0 = 0;
            for (int g : next) {
                double[] sum = new double[e];
                for (int k = 0; k < groups.get(g).length; k++, k0++) {
                    for (int j = 0; j < e; j++) {
                        sum[j] += grad[k0 * e + j];
                    }
                }
                opt[g].step(emb[g], sum);
                float[] ef = new float[e];
                for (int j = 0; j < e; j++) {
                    ef[j] = (float) emb[g][j];
                }
                gc[g] = model.condition(ef, prompts[groups.get(g)[0]] + " [wen step " + (step + 1) + "]");
            }
            active = next;
        }
        for (int g = 0; g < gn; g++) {
            for (int i : groups.get(g)) {
                conds[i] = gc[g];
            }
        }
        return new Plan(conds, StepHook.NONE, prompts.clone());
    }

    /** Rows {@code idx} of a batch, copied. */
    static TensorF32 rows(TensorF32 t, int[] idx) {
        int n = t.shape().sampleSize();
        float[] out = new float[idx.length * n];
        for (int r = 0; r < idx.length; r++) {
            System.arraycopy(t.data(), idx[r] * n, out, r * n, n);
        }
        return new TensorF32(t.shape().withBatch(idx.length), out);
    }

    @Override
    public Map<String, Double> statistics() {
        Map<String, Double> m = new LinkedHashMap<>();
        double s = Math.max(1, samples);
        m.put("samples_optimized", (double) samples);
        m.put("mean_optimization_steps", optimizationSteps / s);
        m.put("share_reaching_target", reached / s);
        m.put("mean_initial_norm", initialNormSum / s);
        m.put("mean_final_norm", finalNormSum / s);
        m.put("target_norm", target);
        m.put("extra_forward_passes_per_sample", forwardPasses / s);
        m.put("embedding_vjps_per_sample", vjps / s);
        return m;
    }
}
