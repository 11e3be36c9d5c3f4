package dev.memscope.mitigate;

import dev.memscope.diffusion.StepHook;
import dev.memscope.kernels.Conversion;
import dev.memscope.kernels.Gemm;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.JacobianDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AMG (Chen et al., CVPR 2024) inside the DDIM loop: at every step the hook measures {@code sigma_t}, the cosine
 * between the predicted x0 and its nearest training image (the lab's SSCD stand-in), and replaces the guided eps by
 * <pre>
 *   eps = eps_u + (s0 - s1)(eps_c - eps_u) + s2 (eps_u - eps_n) + c3 sqrt(1 - abar) grad_{x_t} sigma_t
 * </pre>
 * (despecification, caption deduplication with a frequent neighbour caption as the negative prompt, dissimilarity
 * guidance) through {@link ScoreKernels#amg}, with coefficients from {@link AmgConfig}. The negative prompt follows
 * {@link AmgConfig#dedup()}; a sample for which the rule finds no caption (the authors' rule has no fallback) gets
 * {@code s2 = 0} in that step and no negative-prompt pass.
 *
 * <p>Authors' form (AMG-sd code, the default): s1 and s2 come from sigma of the sampler's x0; sigma is then
 * recomputed (sigma2) on the x0 implied by the despecified and deduplicated eps, and sigma2 (its nearest image,
 * its c3) drives the dissimilarity term, whose gradient holds eps constant: {@code grad_{x0} sigma2 / sqrt(abar)}.
 * {@link AmgConfig#memscopeVariant()} keeps one sigma for all terms and differentiates through the Jacobian:
 *
 * <p>The exact gradient: {@code x0 = (x_t - sqrt(1 - abar) eps_g(x_t)) / sqrt(abar)} with
 * {@code eps_g = (1 - s0) eps_u + s0 eps_c}, so {@code grad_{x_t} sigma = (I - sqrt(1 - abar) J_g)^T
 * grad_{x0} sigma / sqrt(abar)}. The lab's eps is a scaled score, so its Jacobians are symmetric (Hessians of a
 * log-density) and {@code J_g^T u = (1 - s0) J_u u + s0 J_c u}: one batched JVP of 2B' samples (B' the triggered
 * ones) when the model is a {@link JacobianDenoiser}. Other models get the approximation
 * {@code grad_{x0} sigma / sqrt(abar)} (eps treated as constant in x_t), documented in docs/mitigation.md.
 *
 * <p>Extra cost per step: the similarity search (a B x N x D product), one forward pass per deduplicating sample
 * that has a caption, and two JVPs per triggered sample.
 */
public final class AdaptiveMemorizationGuidance implements Mitigation {
    private final Denoiser model;
    private final ScoreKernels kernels;
    private final AmgConfig config;
    private final double s0;
    private final TrainingSimilarity similarity;
    private final Map<String, Condition> negatives = new HashMap<>();
    private final List<Hook> hooks = new ArrayList<>();

    public AdaptiveMemorizationGuidance(MitigationContext ctx) {
        this(ctx, AmgConfig.sdCode());
    }

    public AdaptiveMemorizationGuidance(MitigationContext ctx, AmgConfig config) {
        this(ctx, config, new VectorGemm());
    }

    AdaptiveMemorizationGuidance(MitigationContext ctx, AmgConfig config, Gemm gemm) {
        Denoiser m = ctx.model();
        int d = m.channels() * m.height() * m.width();
        if (ctx.training() == null || ctx.training().dim() != d) {
            throw new IllegalArgumentException("amg: training images have D = "
                    + (ctx.training() == null ? "none" : String.valueOf(ctx.training().dim()))
                    + " but the model's latents have D = " + d);
        }
        if (m.predictionType() != PredictionType.EPSILON && m.exactJacobian().isPresent()) {
            // The JVP is of the raw output; the gradient formula needs the eps Jacobian.
            throw new IllegalArgumentException("amg: exact gradients need an epsilon-predicting model");
        }
        this.model = m;
        this.kernels = ctx.kernels();
        this.config = config;
        this.s0 = ctx.guidance();
        this.similarity = new TrainingSimilarity(ctx.training(), gemm);
    }

    @Override
    public String name() {
        return "amg";
    }

    public AmgConfig config() {
        return config;
    }

    @Override
    public Plan plan(String[] prompts, long[] seeds, TensorF32 xT) {
        Condition[] c = new Condition[prompts.length];
        for (int b = 0; b < prompts.length; b++) {
            c[b] = model.condition(prompts[b]);
        }
        Hook hook = new Hook(c);
        hooks.add(hook);
        return new Plan(c, hook, prompts.clone());
    }

    private Condition negative(String caption) {
        return negatives.computeIfAbsent(caption, model::condition);
    }

    /** The per-plan state: each sample's deduplication countdown, and what the run did. */
    final class Hook implements StepHook {
        private final Condition[] conditions;
        private final int[] dedupLeft;
        final double[] lastSigma;
        final int[] lastNearest;
        /** sigma2 of the last step (NaN where the config does not recompute sigma). */
        final double[] lastSigma2;
        long stepsSeen;
        long stepsTriggered;
        long negativePasses;
        /** Sample-steps where deduplication was due (s2 > 0) but the rule gave no caption, so s2 was set to 0. */
        long dedupWithoutCaption;
        long jvps;
        int lastStep = -1;

        Hook(Condition[] conditions) {
            this.conditions = conditions;
            this.dedupLeft = new int[conditions.length];
            this.lastSigma = new double[conditions.length];
            this.lastNearest = new int[conditions.length];
            this.lastSigma2 = new double[conditions.length];
            Arrays.fill(lastSigma2, Double.NaN);
        }

        @Override
        public void onStep(int step, int t, double abar, TensorF32 xt, TensorF32 epsU, TensorF32 epsC,
                           TensorF32 x0, TensorF32 guided) {
            int b = xt.batch();
            if (b != conditions.length) {
                throw new IllegalArgumentException("amg: step of a batch of " + b + " for a plan of "
                        + conditions.length + " samples");
            }
            int n = xt.shape().sampleSize();
            double[] sigma = new double[b];
            int[] nearest = new int[b];
            similarity.nearest(x0.data(), b, sigma, nearest);
            float[] s1 = new float[b];
            float[] s2 = new float[b];
            float[] c3 = new float[b];
            List<Integer> dedup = new ArrayList<>();
            List<Integer> repel = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                boolean triggered = sigma[i] > AmgConfig.lambda(t);
                if (triggered) {
                    dedupLeft[i] = config.dedupHold() + 1;
                    stepsTriggered++;
                }
                AmgConfig.Coefficients k = config.coefficients(sigma[i], t, s0, dedupLeft[i] > 0);
                if (dedupLeft[i] > 0) {
                    dedupLeft[i]--;
                }
                s1[i] = (float) k.s1();
                s2[i] = (float) k.s2();
                c3[i] = (float) k.c3();
                if (k.s2() > 0) {
                    dedup.add(i);
                }
                if (k.c3() > 0) {
                    repel.add(i);
                }
            }
            stepsSeen += b;
            System.arraycopy(sigma, 0, lastSigma, 0, b);
            System.arraycopy(nearest, 0, lastNearest, 0, b);
            lastStep = step;

            TensorF32 epsN = null;
            // the caption first: a sample the rule gives none gets s2 = 0 and is left out of the negative pass (its
            // eps_n row stays eps_u, so the term is zero either way)
            List<Integer> withCaption = new ArrayList<>();
            List<Condition> neg = new ArrayList<>();
            for (int i : dedup) {
                Optional<String> caption = similarity.dedupCaption(x0.data(), i * n, nearest[i], config.dedup());
                if (caption.isPresent()) {
                    withCaption.add(i);
                    neg.add(negative(caption.get()));
                } else {
                    s2[i] = 0;
                    dedupWithoutCaption++;
                }
            }
            if (!withCaption.isEmpty()) {
                int[] idx = withCaption.stream().mapToInt(Integer::intValue).toArray();
                TensorF32 xs = WenEmbeddingOptimization.rows(xt, idx);
                TensorF32 out = TensorF32.zeros(xs.shape());
                model.predict(xs, t, neg.toArray(Condition[]::new), out);
                if (model.predictionType() == PredictionType.V_PREDICTION) {
                    kernels.convert(Conversion.V_TO_EPS, xs, out, abar, out);
                }
                negativePasses += idx.length;
                epsN = epsU.copy();
                for (int r = 0; r < idx.length; r++) {
                    System.arraycopy(out.data(), r * n, epsN.data(), idx[r] * n, n);
                }
            }
            // sigma2 (the authors' code): the similarity of the x0 implied by the despecified and deduplicated eps
            // drives the dissimilarity term; MemScope's variant keeps sigma of the sampler's x0
            TensorF32 x0Repel = x0;
            int[] nearRepel = nearest;
            if (config.recomputeSigma()) {
                TensorF32 partial = TensorF32.zeros(epsU.shape());
                kernels.amg(epsU, epsC, epsN, null, s0, s1, s2, new float[b], abar, partial);
                x0Repel = predictedX0(xt, partial, abar);
                double[] sigma2 = new double[b];
                int[] nearest2 = new int[b];
                similarity.nearest(x0Repel.data(), b, sigma2, nearest2);
                repel.clear();
                for (int i = 0; i < b; i++) {
                    c3[i] = (float) config.coefficients(sigma2[i], t, s0, false).c3();
                    if (c3[i] > 0) {
                        repel.add(i);
                    }
                }
                System.arraycopy(sigma2, 0, lastSigma2, 0, b);
                nearRepel = nearest2;
            }
            TensorF32 g = null;
            if (!repel.isEmpty()) {
                int[] idx = repel.stream().mapToInt(Integer::intValue).toArray();
                int[] near = new int[idx.length];
                Condition[] cs = new Condition[idx.length];
                for (int r = 0; r < idx.length; r++) {
                    near[r] = nearRepel[idx[r]];
                    cs[r] = conditions[idx[r]];
                }
                TensorF32 gs = similarityGradient(t, abar, WenEmbeddingOptimization.rows(xt, idx),
                        WenEmbeddingOptimization.rows(x0Repel, idx), cs, near);
                g = TensorF32.zeros(xt.shape());
                for (int r = 0; r < idx.length; r++) {
                    System.arraycopy(gs.data(), r * n, g.data(), idx[r] * n, n);
                }
            }
            kernels.amg(epsU, epsC, epsN, g, s0, s1, s2, c3, abar, guided);
        }

        /** {@code x0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar)} in float32, as the sampler computes it. */
        private TensorF32 predictedX0(TensorF32 xt, TensorF32 eps, double abar) {
            float[] out = new float[xt.data().length];
            double s = Math.sqrt(abar);
            double q = Math.sqrt(1 - abar);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((xt.data()[i] - q * eps.data()[i]) / s);
            }
            return new TensorF32(xt.shape(), out);
        }

        /**
         * {@code grad_{x_t} sigma} for each row: {@code grad_{x0} sigma / sqrt(abar)} (eps held constant, the
         * authors' code), or with {@link AmgConfig.Gradient#EXACT_JACOBIAN} on a model with JVPs exact through the
         * Jacobian of {@code eps_g = (1 - s0) eps_u + s0 eps_c} (exact for the sampler's x0; for sigma2's x0, whose
         * eps also carries s1 and s2, it is the guided Jacobian, not the full one).
         */
        TensorF32 similarityGradient(int t, double abar, TensorF32 xt, TensorF32 x0, Condition[] conds,
                                     int[] near) {
            int b = xt.batch();
            int n = xt.shape().sampleSize();
            float[] gx0 = new float[b * n];
            for (int r = 0; r < b; r++) {
                similarity.cosineGradient(x0.data(), r * n, near[r], gx0, r * n);
            }
            double s = Math.sqrt(abar);
            double q = Math.sqrt(1 - abar);
            float[] out = new float[b * n];
            JacobianDenoiser jm = config.gradient() == AmgConfig.Gradient.EXACT_JACOBIAN
                    ? model.exactJacobian().orElse(null) : null;
            if (jm != null) {
                TensorF32 x2 = TensorF32.zeros(xt.shape().withBatch(2 * b));
                TensorF32 v2 = TensorF32.zeros(xt.shape().withBatch(2 * b));
                TensorF32 j2 = TensorF32.zeros(xt.shape().withBatch(2 * b));
                System.arraycopy(xt.data(), 0, x2.data(), 0, b * n);
                System.arraycopy(xt.data(), 0, x2.data(), b * n, b * n);
                System.arraycopy(gx0, 0, v2.data(), 0, b * n);
                System.arraycopy(gx0, 0, v2.data(), b * n, b * n);
                Condition[] both = new Condition[2 * b];
                Arrays.fill(both, 0, b, Condition.NULL);
                System.arraycopy(conds, 0, both, b, b);
                jm.jvp(x2, t, both, v2, j2);
                jvps += 2L * b;
                float[] j = j2.data();
                for (int i = 0; i < b * n; i++) {
                    double jg = (1 - s0) * j[i] + s0 * j[b * n + i];
                    out[i] = (float) ((gx0[i] - q * jg) / s);
                }
            } else {
                for (int i = 0; i < b * n; i++) {
                    out[i] = (float) (gx0[i] / s);
                }
            }
            return new TensorF32(xt.shape(), out);
        }
    }

    @Override
    public Map<String, Double> statistics() {
        long seen = 0;
        long trig = 0;
        long neg = 0;
        long jv = 0;
        long noCaption = 0;
        double sigmaSum = 0;
        long samples = 0;
        for (Hook h : hooks) {
            seen += h.stepsSeen;
            trig += h.stepsTriggered;
            neg += h.negativePasses;
            jv += h.jvps;
            noCaption += h.dedupWithoutCaption;
            if (h.lastStep >= 0) {
                for (double s : h.lastSigma) {
                    sigmaSum += s;
                }
                samples += h.lastSigma.length;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("share_steps_triggered", seen == 0 ? 0.0 : (double) trig / seen);
        m.put("mean_final_similarity", samples == 0 ? 0.0 : sigmaSum / samples);
        m.put("extra_forward_passes_per_sample", samples == 0 ? 0.0 : (double) neg / samples);
        m.put("dedup_steps_without_caption_per_sample", samples == 0 ? 0.0 : (double) noCaption / samples);
        m.put("jvps_per_sample", samples == 0 ? 0.0 : (double) jv / samples);
        m.put("steps_per_sample", samples == 0 ? 0.0 : (double) seen / samples);
        return m;
    }
}
