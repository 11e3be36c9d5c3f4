package dev.memscope.detect;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.Conversion;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;

/**
 * A black-box view of an eps denoiser (no Jacobian): with {@code vPrediction} it returns
 * {@code v = sqrt(abar) eps - sqrt(1 - abar) x0} through {@link Conversion#EPS_TO_V}, like an SD 2 (768) model.
 */
final class VPredictionDenoiser implements Denoiser {
    private final Denoiser eps;
    private final ScoreKernels kernels;
    private final boolean vPrediction;

    VPredictionDenoiser(Denoiser eps, ScoreKernels kernels, boolean vPrediction) {
        this.eps = eps;
        this.kernels = kernels;
        this.vPrediction = vPrediction;
    }

    @Override
    public PredictionType predictionType() {
        return vPrediction ? PredictionType.V_PREDICTION : PredictionType.EPSILON;
    }

    @Override
    public int channels() {
        return eps.channels();
    }

    @Override
    public int height() {
        return eps.height();
    }

    @Override
    public int width() {
        return eps.width();
    }

    @Override
    public Condition condition(String prompt) {
        return eps.condition(prompt);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        eps.predict(xt, t, conditions, out);
        if (vPrediction) {
            kernels.convert(Conversion.EPS_TO_V, xt, out, NoiseSchedule.stableDiffusion().alphabar(t), out);
        }
    }
}
