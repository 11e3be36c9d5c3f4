package dev.memscope.triggers;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.Conversion;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;
import java.util.List;

/**
 * MemBench's search objective {@code D(p) = ||eps_c(x_T, t) - eps_u(x_T, t)||^2} at t = 999 (the last of the
 * 1,000 training timesteps, which every SD-style model here, the testbed included, accepts as is) on one pure-noise
 * latent x_T shared by every prompt, so D differs between prompts only through the text. eps_u is computed once;
 * each prompt then costs one forward pass. v outputs are converted to eps first.
 */
public final class GuidanceScore {
    public static final int T = 999;

    private final Denoiser model;
    private final ScoreKernels kernels;
    private final int batch;
    private final TensorF32 xT;
    private final TensorF32 epsU;
    private long passes;

    public GuidanceScore(Denoiser model, ScoreKernels kernels, int batch, long noiseSeed) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.model = model;
        this.kernels = kernels;
        this.batch = batch;
        this.xT = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), new long[] {noiseSeed});
        this.epsU = eps(xT, new Condition[] {Condition.NULL});
    }

    /** Forward passes spent so far (the unconditional one included). */
    public long passes() {
        return passes;
    }

    /** D for every prompt, in calls of at most {@code batch} latents; never NaN (an error names the prompt). */
    public double[] score(List<String> prompts) {
        double[] out = new double[prompts.size()];
        int per = xT.shape().sampleSize();
        for (int from = 0; from < prompts.size(); from += batch) {
            int to = Math.min(prompts.size(), from + batch);
            int n = to - from;
            float[] x = new float[n * per];
            float[] u = new float[n * per];
            Condition[] c = new Condition[n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(xT.data(), 0, x, i * per, per);
                System.arraycopy(epsU.data(), 0, u, i * per, per);
                c[i] = model.condition(prompts.get(from + i));
            }
            TensorF32 eps = eps(new TensorF32(xT.shape().withBatch(n), x), c);
            float[] norms = new float[n];
            kernels.diffNorm(eps, new TensorF32(xT.shape().withBatch(n), u), norms);
            for (int i = 0; i < n; i++) {
                double d = (double) norms[i] * norms[i];
                if (!Double.isFinite(d)) {
                    throw new IllegalStateException("D is " + d + " for prompt '" + prompts.get(from + i) + "'");
                }
                out[from + i] = d;
            }
        }
        return out;
    }

    private TensorF32 eps(TensorF32 x, Condition[] c) {
        TensorF32 o = TensorF32.zeros(x.shape());
        model.predict(x, T, c, o);
        passes += x.batch();
        if (model.predictionType() == PredictionType.V_PREDICTION) {
            kernels.convert(Conversion.V_TO_EPS, x, o, NoiseSchedule.stableDiffusion().alphabar(T), o);
        }
        return o;
    }

}
