package dev.memscope.mia;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.List;
import java.util.SplittableRandom;

/**
 * CLiD's per-sample features through any {@link Denoiser}: at each t in {@link #TIMESTEPS} one noise draw
 * {@code eps_t} per sample, {@code x_t = sqrt(abar) x0 + sqrt(1 - abar) eps_t} (DDPM add_noise), and the model's
 * noise prediction under five conditions (the full caption, the three importance-clipped captions, the empty
 * caption) on that same {@code x_t}; {@code mse_j} is the mean squared error against {@code eps_t} over every latent
 * element and the three timesteps. Features: {@code cond0 = mse_full} and {@code mse_j - mse_full}. 3 timesteps x 5
 * conditions = 15 forward passes per sample, batched as (samples x conditions) per timestep.
 *
 * <p>The noise of sample i depends only on {@code (seed, i)}, so features do not depend on the batch size.
 * v-prediction outputs are converted to eps ({@code eps = sqrt(abar) v + sqrt(1 - abar) x_t}).
 */
public final class ClidFeatureExtractor {
    public static final int[] TIMESTEPS = {440, 450, 460};
    public static final int CONDITIONS = CaptionClipping.RATES.length + 2;
    public static final int PASSES_PER_SAMPLE = TIMESTEPS.length * CONDITIONS;

    private final Denoiser model;
    private final WordImportance importance;
    private final int batchSamples;

    /** {@code batchLatents}: the most latents one denoiser call may take (rounded down to whole samples, >= 1). */
    public ClidFeatureExtractor(Denoiser model, WordImportance importance, int batchLatents) {
        if (batchLatents < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchLatents);
        }
        this.model = model;
        this.importance = importance;
        this.batchSamples = Math.max(1, batchLatents / CONDITIONS);
    }

    /**
     * Features of (caption, image) pairs; {@code images[i]} holds the C*H*W latent of sample i.
     */
    public ClidFeatures extract(String source, List<String> captions, float[][] images, long seed) {
        int n = captions.size();
        if (images.length != n) {
            throw new IllegalArgumentException(source + ": " + n + " captions but " + images.length + " images");
        }
        int c = model.channels();
        int h = model.height();
        int w = model.width();
        int d = c * h * w;
        for (int i = 0; i < n; i++) {
            if (images[i].length != d) {
                throw new IllegalArgumentException(source + ": image " + i + " has " + images[i].length
                        + " elements, the model's latents have " + c + "x" + h + "x" + w + " = " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Float.isFinite(images[i][j])) {
                    throw new IllegalArgumentException(source + ": image " + i + " holds " + images[i][j]
                            + " at element " + j);
                }
            }
        }
        NoiseSchedule schedule = NoiseSchedule.stableDiffusion();
        double[][] mse = new double[n][CONDITIONS];
        for (int from = 0; from < n; from += batchSamples) {
            int to = Math.min(n, from + batchSamples);
            int b = to - from;
            Condition[] conds = new Condition[b * CONDITIONS];
            for (int i = from; i < to; i++) {
                String[] reduced = CaptionClipping.reduced(captions.get(i), importance);
                conds[(i - from) * CONDITIONS] = model.condition(captions.get(i));
                for (int j = 0; j < reduced.length; j++) {
                    conds[(i - from) * CONDITIONS + 1 + j] = model.condition(reduced[j]);
                }
            }
            SplittableRandom[] rnd = new SplittableRandom[b];
            for (int i = from; i < to; i++) {
                rnd[i - from] = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
            }
            TensorF32 xt = TensorF32.zeros(new Shape(b * CONDITIONS, c, h, w));
            TensorF32 out = TensorF32.zeros(xt.shape());
            float[] noise = new float[b * d];
            for (int t : TIMESTEPS) {
                double abar = schedule.alphabar(t);
                double s = Math.sqrt(abar);
                double q = Math.sqrt(1 - abar);
                float[] x = xt.data();
                for (int r = 0; r < b; r++) {
                    float[] img = images[from + r];
                    for (int j = 0; j < d; j++) {
                        noise[r * d + j] = (float) gaussian(rnd[r]);
                    }
                    for (int k = 0; k < CONDITIONS; k++) {
                        int o = (r * CONDITIONS + k) * d;
                        for (int j = 0; j < d; j++) {
                            x[o + j] = (float) (s * img[j] + q * noise[r * d + j]);
                        }
                    }
                }
                model.predict(xt, t, conds, out);
                float[] y = out.data();
                boolean v = model.predictionType() == PredictionType.V_PREDICTION;
                for (int r = 0; r < b; r++) {
                    for (int k = 0; k < CONDITIONS; k++) {
                        int o = (r * CONDITIONS + k) * d;
                        double acc = 0;
                        for (int j = 0; j < d; j++) {
                            double eps = v ? s * y[o + j] + q * x[o + j] : y[o + j];
                            if (!Double.isFinite(eps)) {
                                throw new IllegalStateException(source + ": the model predicted " + eps
                                        + " for sample " + (from + r) + ", condition " + k + ", t = " + t);
                            }
                            double e = eps - noise[r * d + j];
                            acc += e * e;
                        }
                        mse[from + r][k] += acc / d / TIMESTEPS.length;
                    }
                }
            }
        }
        double[][] rows = new double[n][CONDITIONS];
        for (int i = 0; i < n; i++) {
            rows[i][0] = mse[i][0];
            for (int k = 1; k < CONDITIONS; k++) {
                rows[i][k] = mse[i][k] - mse[i][0];
            }
        }
        return new ClidFeatures(source, rows);
    }

    static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}
