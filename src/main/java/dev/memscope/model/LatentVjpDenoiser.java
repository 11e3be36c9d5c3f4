package dev.memscope.model;

import dev.memscope.tensor.TensorF32;
import java.util.Optional;

/**
 * A denoiser that can pull a cotangent back through its output to the latent: SAIL's initial-noise optimization
 * descends {@code ||eps_c(x_T) - eps_u(x_T)||^2} in {@code x_T} and needs {@code J^T v}, which a real network gives by
 * reverse mode (the testbed's exported VJP graph) and the lab analytically.
 */
public interface LatentVjpDenoiser extends Denoiser {

    /**
     * Writes {@code J_b^T v_b} for every sample b into {@code out}, where {@code J_b = d predict(x_t)_b / d x_t_b}
     * under {@code conditions[b]} at timestep t. {@code v} and {@code out} have the shape of {@code xt}; {@code out}
     * must alias neither.
     */
    void latentVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out);

    @Override
    default Optional<LatentVjpDenoiser> latentVjpModel() {
        return Optional.of(this);
    }
}
