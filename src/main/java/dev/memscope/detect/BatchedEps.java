package dev.memscope.detect;

import dev.memscope.kernels.Conversion;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.JacobianDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.tensor.TensorF32;
import java.util.Arrays;

/**
 * Evaluates a denoiser on many latents at one timestep in calls of at most {@code ctx.batchSize()} latents, and
 * returns eps (v-prediction outputs are converted with the backend's {@link Conversion#V_TO_EPS}). Progress advances
 * by the latents evaluated, so detectors report progress in forward passes.
 */
final class BatchedEps {
    private BatchedEps() {
    }

    /** {@code [x; x]}: the unconditional half first, as {@link dev.memscope.diffusion.DdimSampler} lays out a pair. */
    static TensorF32 twice(TensorF32 x) {
        int n = x.data().length;
        float[] d = Arrays.copyOf(x.data(), 2 * n);
        System.arraycopy(x.data(), 0, d, n, n);
        return new TensorF32(x.shape().withBatch(2 * x.batch()), d);
    }

    /** {@code [NULL x n; conditions]}. */
    static Condition[] nullThen(Condition[] conditions) {
        Condition[] both = new Condition[2 * conditions.length];
        Arrays.fill(both, 0, conditions.length, Condition.NULL);
        System.arraycopy(conditions, 0, both, conditions.length, conditions.length);
        return both;
    }

    static TensorF32 eps(DetectionContext ctx, Denoiser model, TensorF32 x, int t, Condition[] conditions) {
        return outputs(ctx, model, x, t, conditions, true);
    }

    /** The model's raw outputs (v stays v), for metrics the authors take on raw outputs (anisotropy, sd2). */
    static TensorF32 raw(DetectionContext ctx, Denoiser model, TensorF32 x, int t, Condition[] conditions) {
        return outputs(ctx, model, x, t, conditions, false);
    }

    private static TensorF32 outputs(DetectionContext ctx, Denoiser model, TensorF32 x, int t,
                                     Condition[] conditions, boolean toEps) {
        TensorF32 out = TensorF32.zeros(x.shape());
        int n = x.batch();
        int per = x.shape().sampleSize();
        for (int from = 0; from < n; from += ctx.batchSize()) {
            int to = Math.min(n, from + ctx.batchSize());
            TensorF32 xs = x.slice(from, to);
            TensorF32 o = TensorF32.zeros(xs.shape());
            model.predict(xs, t, Arrays.copyOfRange(conditions, from, to), o);
            if (toEps && model.predictionType() == PredictionType.V_PREDICTION) {
                ctx.kernels().convert(Conversion.V_TO_EPS, xs, o, NoiseSchedule.stableDiffusion().alphabar(t), o);
            }
            System.arraycopy(o.data(), 0, out.data(), from * per, (to - from) * per);
            ctx.progress().advance(to - from);
        }
        return out;
    }

    /**
     * The model's raw outputs with a timestep per latent, in calls of at most {@code ctx.batchSize()} latents:
     * detectors that evaluate several timesteps on the same latents pay one call where the model allows it
     * ({@link Denoiser#predict(TensorF32, int[], Condition[], TensorF32)}).
     */
    static TensorF32 rawAt(DetectionContext ctx, Denoiser model, TensorF32 x, int[] timesteps,
                           Condition[] conditions) {
        TensorF32 out = TensorF32.zeros(x.shape());
        int n = x.batch();
        int per = x.shape().sampleSize();
        for (int from = 0; from < n; from += ctx.batchSize()) {
            int to = Math.min(n, from + ctx.batchSize());
            TensorF32 o = TensorF32.zeros(x.shape().withBatch(to - from));
            model.predict(x.slice(from, to), Arrays.copyOfRange(timesteps, from, to),
                    Arrays.copyOfRange(conditions, from, to), o);
            System.arraycopy(o.data(), 0, out.data(), from * per, (to - from) * per);
            ctx.progress().advance(to - from);
        }
        return out;
    }

    /** v outputs of latents {@code x} at timestep t converted to eps in place. */
    static void vToEps(DetectionContext ctx, TensorF32 x, TensorF32 v, int t) {
        ctx.kernels().convert(Conversion.V_TO_EPS, x, v, NoiseSchedule.stableDiffusion().alphabar(t), v);
    }

    /**
     * Jacobian of eps along {@code v}: for a v-prediction model {@code eps = sqrt(1-abar) x + sqrt(abar) v(x)}, so
     * {@code J_eps u = sqrt(1-abar) u + sqrt(abar) J_v u}.
     */
    static TensorF32 jvpEps(DetectionContext ctx, JacobianDenoiser model, TensorF32 x, int t, Condition[] conditions,
                            TensorF32 v) {
        TensorF32 out = TensorF32.zeros(x.shape());
        int n = x.batch();
        int per = x.shape().sampleSize();
        double abar = NoiseSchedule.stableDiffusion().alphabar(t);
        boolean vPred = model.predictionType() == PredictionType.V_PREDICTION;
        for (int from = 0; from < n; from += ctx.batchSize()) {
            int to = Math.min(n, from + ctx.batchSize());
            TensorF32 xs = x.slice(from, to);
            TensorF32 vs = v.slice(from, to);
            TensorF32 o = TensorF32.zeros(xs.shape());
            model.jvp(xs, t, Arrays.copyOfRange(conditions, from, to), vs, o);
            if (vPred) {
                ctx.kernels().convert(Conversion.V_TO_EPS, vs, o, abar, o);
            }
            System.arraycopy(o.data(), 0, out.data(), from * per, (to - from) * per);
            ctx.progress().advance(to - from);
        }
        return out;
    }

    /** Splits {@code [first n; second n]} into its halves. */
    static TensorF32[] halves(TensorF32 both) {
        int n = both.batch() / 2;
        return new TensorF32[] {both.slice(0, n), both.slice(n, 2 * n)};
    }
}
