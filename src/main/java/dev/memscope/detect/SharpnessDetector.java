package dev.memscope.detect;

import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.JacobianDenoiser;
import dev.memscope.tensor.TensorF32;
import java.util.List;

/**
 * Hessian sharpness (Jeon et al., ICML 2025): at the pure-noise latent x_T and t = 981,
 * <pre>
 *   score = ||(J_c - J_u) ds||,   ds = eps_c - eps_u,   J = d eps / d x_t
 * </pre>
 * The paper writes it with scores {@code s = -eps / sqrt(1 - abar)} and their Jacobians (Hessians of the log-density);
 * in those units the value is ours times {@code 1 / (1 - abar)}, a constant at fixed t that changes no ranking.
 * A memorized prompt's conditional density is sharply peaked, so its Hessian differs from the unconditional one
 * strongly along the guidance direction.
 *
 * <p>Jacobian-vector products: {@link Mode#EXACT} asks the model ({@link JacobianDenoiser}; the lab differentiates
 * its mixture analytically) and counts each JVP as one pass per latent: 2 + 2 = 4 passes per image.
 * {@link Mode#FINITE_DIFFERENCE} works on any black-box denoiser with central differences along the unit direction
 * {@code d = ds / ||ds||}: {@code J ds ~ ||ds|| (eps(x + h d) - eps(x - h d)) / (2 h)} with a displacement of norm
 * {@code h = FD_RMS_STEP * sqrt(C H W)} (per-element RMS 1e-2 on a unit-variance x_T: small against the scale on
 * which responsibilities change, large against float32 rounding of eps; checked against the exact JVP in the tests):
 * 2 + 4 = 6 passes per image.
 */
public final class SharpnessDetector implements Detector {
    public static final int T = 981;
    public static final double FD_RMS_STEP = 1e-2;
    public static final long DEFAULT_SEED = AnisotropyDetector.DEFAULT_SEED;
    /**
     * Images per prompt by default: n = 4, as the authors' README runs detection
     * ({@code detect_mem.py --gen_num 4}, Dongjae0324/sharpness_memorization_diffusion; {@code gen_num} is the n of
     * their Table 1).
     */
    public static final int DEFAULT_IMAGES = 4;

    /** How Jacobian-vector products are obtained. */
    public enum Mode { EXACT, FINITE_DIFFERENCE }

    private final int images;
    private final long seed;
    private final Mode mode;

    public SharpnessDetector(int images, long seed, Mode mode) {
        if (images < 1) {
            throw new IllegalArgumentException("sharpness: images per prompt must be >= 1, got " + images);
        }
        this.images = images;
        this.seed = seed;
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode == Mode.EXACT ? "sharpness" : "sharpness-fd";
    }

    public Mode mode() {
        return mode;
    }

    @Override
    public DetectorNeeds needs() {
        return DetectorNeeds.beyondRecording(images, mode == Mode.EXACT
                ? "exact Jacobian-vector products of the model"
                : "predictions at perturbed latents (finite differences around the pure-noise latent)");
    }

    @Override
    public DetectorCost cost() {
        return new DetectorCost(0, images, (mode == Mode.EXACT ? 4L : 6L) * images);
    }

    @Override
    public Scores score(List<String> prompts, DetectionContext ctx) {
        PromptChecks.require(name(), prompts);
        RecordedModels.requireServable(this, ctx.model());
        long t0 = System.nanoTime();
        CountingDenoiser counter = new CountingDenoiser(ctx.model());
        DetectionContext c = new DetectionContext(counter, ctx.kernels(), ctx.batchSize(), ctx.progress());
        JacobianDenoiser exact = null;
        if (mode == Mode.EXACT) {
            exact = counter.exactJacobian().orElse(null);
            if (exact == null) {
                throw new IllegalArgumentException("sharpness: the model offers no exact Jacobian-vector products; "
                        + "use sharpness-fd (central finite differences)");
            }
        }
        ctx.progress().start(name(), cost().forwardPassesPerPrompt() * prompts.size());
        double[] item = values(prompts, c, counter, exact);
        ctx.progress().done();
        double[] s = new double[prompts.size()];
        for (int i = 0; i < item.length; i++) {
            s[i / images] += item[i] / images;
        }
        return new Scores(name(), s, counter.passes(), System.nanoTime() - t0);
    }

    private double[] values(List<String> prompts, DetectionContext ctx, Denoiser model, JacobianDenoiser exact) {
        SharedNoise noise = new SharedNoise(model, prompts, images, seed);
        int n = noise.x.batch();
        int per = noise.x.shape().sampleSize();
        TensorF32 both = BatchedEps.twice(noise.x);
        Condition[] conds = BatchedEps.nullThen(noise.conditions);
        TensorF32[] e = BatchedEps.halves(BatchedEps.eps(ctx, model, both, T, conds));
        float[] ds = new float[n * per];
        for (int i = 0; i < ds.length; i++) {
            ds[i] = e[1].data()[i] - e[0].data()[i];
        }
        TensorF32 jds; // [J_u ds ; J_c ds]
        if (exact != null) {
            float[] dir = new float[2 * n * per];
            System.arraycopy(ds, 0, dir, 0, ds.length);
            System.arraycopy(ds, 0, dir, ds.length, ds.length);
            jds = BatchedEps.jvpEps(ctx, exact, both, T, conds, new TensorF32(both.shape(), dir));
        } else {
            jds = finiteDifference(ctx, model, noise.x, noise.conditions, ds, per);
        }
        TensorF32[] j = BatchedEps.halves(jds);
        float[] norms = new float[n];
        ctx.kernels().diffNorm(j[1], j[0], norms);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = norms[i];
        }
        return out;
    }

    /** Central differences along ds: returns {@code [J_u ds ; J_c ds]}. */
    private static TensorF32 finiteDifference(DetectionContext ctx, Denoiser model, TensorF32 x, Condition[] c,
                                              float[] ds, int per) {
        int n = x.batch();
        double h = FD_RMS_STEP * Math.sqrt(per);
        double[] dn = new double[n];
        // Layout of the 4n evaluations: [x+ uncond; x+ cond; x- uncond; x- cond].
        float[] xs = new float[4 * n * per];
        Condition[] cs = new Condition[4 * n];
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int j = 0; j < per; j++) {
                ss += (double) ds[i * per + j] * ds[i * per + j];
            }
            dn[i] = Math.sqrt(ss);
            double k = dn[i] > 0 ? h / dn[i] : 0;
            for (int j = 0; j < per; j++) {
                float xp = (float) (x.data()[i * per + j] + k * ds[i * per + j]);
                float xm = (float) (x.data()[i * per + j] - k * ds[i * per + j]);
                xs[i * per + j] = xp;
                xs[(n + i) * per + j] = xp;
                xs[(2 * n + i) * per + j] = xm;
                xs[(3 * n + i) * per + j] = xm;
            }
            cs[i] = Condition.NULL;
            cs[n + i] = c[i];
            cs[2 * n + i] = Condition.NULL;
            cs[3 * n + i] = c[i];
        }
        TensorF32 e = BatchedEps.eps(ctx, model, new TensorF32(x.shape().withBatch(4 * n), xs), T, cs);
        float[] out = new float[2 * n * per];
        float[] ed = e.data();
        for (int i = 0; i < 2 * n; i++) {
            // Row i of [uncond; cond] at x+ is row i of e; at x- it is row 2n + i.
            double scale = dn[i % n] / (2 * h);
            for (int j = 0; j < per; j++) {
                out[i * per + j] = (float) (scale * ((double) ed[i * per + j] - ed[(2 * n + i) * per + j]));
            }
        }
        return new TensorF32(x.shape().withBatch(2 * n), out);
    }
}
