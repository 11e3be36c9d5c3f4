package dev.memscope.model.lab;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.Gemm;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.model.JacobianDenoiser;
import dev.memscope.model.LatentVjpDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;

/**
 * The lab world's exact noise predictor as a {@link dev.memscope.model.Denoiser}: eps from the mixture posterior
 * ({@link MixturePosterior}, where the model and its numerics are described), the latent JVP and the embedding VJP
 * from {@link MixtureJacobians} on top of it; the latent VJP is the JVP (the Jacobian is symmetric). This class checks arguments, encodes prompts and counts passes.
 * Not thread-safe (it owns the {@link Gemm} and scratch).
 */
public final class LabDenoiser implements JacobianDenoiser, EmbeddingGradientDenoiser, LatentVjpDenoiser {
    /** Logit gap beyond which a component's weight (< e^-40 of the top one) is dropped. */
    public static final double SCREEN_MARGIN = MixturePosterior.SCREEN_MARGIN;
    /** Default for the most candidates a row may have and still take the exact float64 path. */
    public static final int DEFAULT_EXACT_LIMIT = 256;

    private final LabWorld world;
    private final Gemm gemm;
    private final TextEncoder encoder;
    private final MixturePosterior posterior;
    private final MixtureJacobians jacobians;

    public LabDenoiser(LabWorld world, Gemm gemm) {
        this(world, gemm, DEFAULT_EXACT_LIMIT);
    }

    /** {@code exactLimit}: 0 sends every row down the dense path, Integer.MAX_VALUE every row down the exact one. */
    public LabDenoiser(LabWorld world, Gemm gemm, int exactLimit) {
        this.posterior = new MixturePosterior(world, gemm, exactLimit);
        this.jacobians = new MixtureJacobians(posterior);
        this.world = world;
        this.gemm = gemm;
        this.encoder = new TextEncoder(world.embeddingDim());
    }

    public LabWorld world() {
        return world;
    }

    public TextEncoder encoder() {
        return encoder;
    }

    @Override
    public PredictionType predictionType() {
        return PredictionType.EPSILON;
    }

    @Override
    public int channels() {
        return world.channels();
    }

    @Override
    public int height() {
        return world.height();
    }

    @Override
    public int width() {
        return world.width();
    }

    @Override
    public Condition condition(String prompt) {
        float[] e = encoder.encode(prompt);
        return e == null ? Condition.NULL : Condition.of(e, prompt);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        int b = checkArgs(xt, t, conditions, out);
        posterior.eps(xt.data(), b, t, conditions, out.data());
    }

    /** Jacobian-vector product of eps; the derivation and numerics are at {@link MixtureJacobians#jvp}. */
    @Override
    public void jvp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
        int b = checkArgs(xt, t, conditions, out);
        if (v == null || !v.shape().equals(xt.shape())) {
            throw new IllegalArgumentException("lab jvp: direction has shape " + (v == null ? null : v.shape())
                    + ", x_t " + xt.shape());
        }
        if (out.data() == v.data()) {
            throw new IllegalArgumentException("lab jvp: out must not alias the direction");
        }
        float[] u = v.data();
        for (int i = 0; i < u.length; i++) {
            if (!Float.isFinite(u[i])) {
                throw new IllegalArgumentException("lab jvp: direction holds " + u[i] + " at " + v.shape().locate(i));
            }
        }
        jacobians.jvp(xt.data(), u, b, t, conditions, out.data());
    }

    /**
     * {@code J^T v} by the JVP: the lab's eps Jacobian {@code q (E_r[1/v] I - Cov_r(a))} is symmetric (eps is a scaled
     * score, whose Jacobian is the Hessian of a log-density), so {@code J^T v = J v}. {@code LabLatentVjpTest} checks
     * {@code <u, J v> = <J u, v>} and the product against central differences.
     */
    @Override
    public void latentVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
        jvp(xt, t, conditions, v, out);
    }

    @Override
    public Condition condition(float[] embedding, String label) {
        if (embedding == null || embedding.length != world.embeddingDim()) {
            throw new IllegalArgumentException("lab condition '" + label + "': embedding has "
                    + (embedding == null ? "no" : String.valueOf(embedding.length))
                    + " dimensions, the lab's encoder has " + world.embeddingDim());
        }
        return Condition.of(embedding, label);
    }

    /** Vector-Jacobian product of eps with respect to the text embedding; see {@link MixtureJacobians#embeddingVjp}. */
    @Override
    public void embeddingVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, float[] out) {
        int b = checkArgs(xt, t, conditions, xt.copy());
        if (v == null || !v.shape().equals(xt.shape())) {
            throw new IllegalArgumentException("lab embedding vjp: direction has shape "
                    + (v == null ? null : v.shape()) + ", x_t " + xt.shape());
        }
        int e = world.embeddingDim();
        if (out == null || out.length != b * e) {
            throw new IllegalArgumentException("lab embedding vjp: out has " + (out == null ? 0 : out.length)
                    + " floats, expected B x E = " + b + " x " + e);
        }
        float[] u = v.data();
        for (int i = 0; i < u.length; i++) {
            if (!Float.isFinite(u[i])) {
                throw new IllegalArgumentException("lab embedding vjp: direction holds " + u[i] + " at "
                        + v.shape().locate(i));
            }
        }
        for (int r = 0; r < b; r++) {
            if (conditions[r].isNull()) {
                throw new IllegalArgumentException("lab embedding vjp: condition " + r
                        + " is the null condition, which has no embedding to differentiate");
            }
        }
        jacobians.embeddingVjp(xt.data(), u, b, t, conditions, out);
    }

    private int checkArgs(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        if (xt == null || out == null || conditions == null) {
            throw new IllegalArgumentException("lab eps: x_t, conditions and out must not be null");
        }
        if (xt.shape().channels() != world.channels() || xt.shape().height() != world.height()
                || xt.shape().width() != world.width()) {
            throw new IllegalArgumentException("lab eps: x_t has shape " + xt.shape() + " but this lab world's images are "
                    + world.channels() + "x" + world.height() + "x" + world.width());
        }
        if (!out.shape().equals(xt.shape())) {
            throw new IllegalArgumentException("lab eps: out has shape " + out.shape() + ", x_t " + xt.shape());
        }
        if (out.data() == xt.data()) {
            throw new IllegalArgumentException("lab eps: out must not alias x_t");
        }
        if (t < 0 || t >= NoiseSchedule.TRAIN_STEPS) {
            throw new IllegalArgumentException("lab eps: timestep " + t + " is outside [0, 999]");
        }
        int b = xt.batch();
        if (conditions.length != b) {
            throw new IllegalArgumentException("lab eps: " + conditions.length + " conditions for a batch of " + b);
        }
        for (int i = 0; i < b; i++) {
            Condition c = conditions[i];
            if (c == null) {
                throw new IllegalArgumentException("lab eps: condition " + i + " is null (use Condition.NULL)");
            }
            if (!c.isNull() && c.embedding().length != world.embeddingDim()) {
                throw new IllegalArgumentException("lab eps: condition " + i + " has " + c.embedding().length
                        + " dimensions, the lab's encoder has " + world.embeddingDim());
            }
        }
        float[] d = xt.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IllegalArgumentException("lab eps: x_t holds " + d[i] + " at " + xt.shape().locate(i));
            }
        }
        return b;
    }

    @Override
    public void close() {
        gemm.close();
    }
}
