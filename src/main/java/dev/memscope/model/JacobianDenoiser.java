package dev.memscope.model;

import dev.memscope.tensor.TensorF32;
import java.util.Optional;

/**
 * A denoiser that can also give exact Jacobian-vector products of its output with respect to the latent: the
 * Hessian-sharpness detector uses them where a model offers them (the lab does, analytically) and central finite
 * differences otherwise.
 */
public interface JacobianDenoiser extends Denoiser {

    /**
     * Writes {@code J_b v_b} for every sample b into {@code out}, where {@code J_b = d predict(x_t)_b / d x_t_b} is the
     * Jacobian of the model output (of {@link #predictionType()}) of sample b under {@code conditions[b]} at timestep
     * t. {@code v} and {@code out} have the shape of {@code xt}; {@code out} must alias neither.
     */
    void jvp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out);

    @Override
    default Optional<JacobianDenoiser> exactJacobian() {
        return Optional.of(this);
    }
}
