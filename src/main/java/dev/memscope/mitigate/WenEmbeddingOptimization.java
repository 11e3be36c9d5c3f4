package dev.memscope.mitigate;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.tensor.TensorF32;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wen et al. (ICLR 2024), inference-time mitigation: before sampling, optimize each prompt's text embedding e at
 * the first DDIM timestep, on the sample's own initial noise x_T, to shrink the text-conditional noise prediction's
 * magnitude {@code L(e) = ||eps(x_T, t_1, e) - eps(x_T, t_1, null)||^2}; stop once the norm reaches {@link #target}
 * or after {@link #maxSteps} updates, then sample the whole trajectory with the optimized embedding.
 *
 * <p>Optimizer: AdamW with the paper's lr 0.05 and torch's defaults otherwise (betas 0.9/0.999, eps 1e-8, weight
 * decay 0.01: the authors' code builds {@code torch.optim.AdamW([emb], lr=0.05)} without a weight-decay argument).
 * The gradient {@code 2 J_e^T (eps_c - eps_u)} comes from the model ({@link EmbeddingGradientDenoiser}; exact in
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

        // Only text conditions have an embedding to optimize; the empty prompt is sampled as given.
        int[] active = java.util.stream.IntStream.range(0, b).filter(i -> !conds[i].isNull()).toArray();
        double[][] emb = new double[b][];
        AdamW[] opt = new AdamW[b];
        for (int i : active) {
            float[] e = conds[i].embedding();
            emb[i] = new double[e.length];
            for (int j = 0; j < e.length; j++) {
                emb[i][j] = e[j];
            }
            opt[i] = new AdamW(e.length, LR, BETA1, BETA2, ADAM_EPS, WEIGHT_DECAY);
        }
        for (int step = 0; active.length > 0; step++) {
            int a = active.length;
            TensorF32 xs = rows(xT, active);
            Condition[] cs = new Condition[a];
            for (int r = 0; r < a; r++) {
                cs[r] = conds[active[r]];
            }
            TensorF32 epsC = TensorF32.zeros(xs.shape());
            model.predict(xs, firstTimestep, cs, epsC);
            forwardPasses += a;
            TensorF32 diff = TensorF32.zeros(xs.shape());
            float[] dd = diff.data();
            int[] next = new int[a];
            int nNext = 0;
            for (int r = 0; r < a; r++) {
                int i = active[r];
                double norm2 = 0;
                for (int j = 0; j < n; j++) {
                    double d = (double) epsC.data()[r * n + j] - epsU.data()[i * n + j];
                    norm2 += d * d;
                    dd[r * n + j] = (float) (2 * d);   // dL/d eps_c
                }
                double norm = Math.sqrt(norm2);
                if (step == 0) {
                    initialNormSum += norm;
                }
                boolean done = norm <= target;
                if (done || step == maxSteps) {
                    samples++;
                    optimizationSteps += step;
                    reached += done ? 1 : 0;
                    finalNormSum += norm;
                } else {
                    next[nNext++] = r;
                }
            }
            if (nNext == 0) {
                break;
            }
            int[] keep = Arrays.copyOf(next, nNext);
            TensorF32 xk = keep.length == a ? xs : rows(xs, keep);
            TensorF32 vk = keep.length == a ? diff : rows(diff, keep);
            Condition[] ck = new Condition[keep.length];
            for (int r = 0; r < keep.length; r++) {
                ck[r] = cs[keep[r]];
            }
            int e = ck[0].embedding().length;
            float[] grad = new float[keep.length * e];
            model.embeddingVjp(xk, firstTimestep, ck, vk, grad);
            vjps += keep.length;
            int[] still = new int[keep.length];
            for (int r = 0; r < keep.length; r++) {
                int i = active[keep[r]];
                double[] g = new double[e];
                for (int j = 0; j < e; j++) {
                    g[j] = grad[r * e + j];
                }
                opt[i].step(emb[i], g);
                float[] ef = new float[e];
                for (int j = 0; j < e; j++) {
                    ef[j] = (float) emb[i][j];
                }
                conds[i] = model.condition(ef, prompts[i] + " [wen step " + (step + 1) + "]");
                still[r] = i;
            }
            active = still;
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
