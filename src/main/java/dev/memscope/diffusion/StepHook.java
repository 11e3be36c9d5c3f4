package dev.memscope.diffusion;

import dev.memscope.tensor.TensorF32;

/**
 * Sees every DDIM step before it is taken and may change the guided noise prediction in place (AMG, the Wen
 * trajectory detector). Tensors are the sampler's own buffers: read them during the call, copy what you keep.
 */
@FunctionalInterface
public interface StepHook {
    /**
     * @param step     index of the step, 0 for the noisiest
     * @param t        training timestep of this step
     * @param abar     alphabar(t)
     * @param xt       the current latents
     * @param epsU     unconditional prediction (as eps)
     * @param epsC     conditional prediction (as eps)
     * @param x0       predicted clean latents from the guided eps
     * @param guided   guided eps; the hook may overwrite it, and the step uses what it holds afterwards
     */
    void onStep(int step, int t, double abar, TensorF32 xt, TensorF32 epsU, TensorF32 epsC, TensorF32 x0,
                TensorF32 guided);

    StepHook NONE = (step, t, abar, xt, epsU, epsC, x0, guided) -> { };
}
