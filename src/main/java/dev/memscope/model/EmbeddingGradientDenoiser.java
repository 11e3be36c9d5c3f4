package dev.memscope.model;

import dev.memscope.tensor.TensorF32;

/**
 * A denoiser that can differentiate its output with respect to the text embedding: Wen et al.'s inference-time
 * mitigation optimizes the prompt embedding against {@code ||eps_c - eps_u||^2} and needs this gradient (the lab
 * gives it analytically; a real model would need autograd).
 */
public interface EmbeddingGradientDenoiser extends Denoiser {

    /**
     * Vector-Jacobian product with respect to the embedding: for every sample b, writes
     * {@code (d predict(x_t)_b / d e_b)^T v_b} into row b of {@code out} ({@code [B, E]} row-major, E the embedding
     * length of {@code conditions[b]}), where {@code e_b} is the embedding of {@code conditions[b]} (non-null
     * conditions only). {@code v} has the shape of {@code xt}.
     */
    void embeddingVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, float[] out);

    /** Wraps an optimized embedding as a condition this model accepts. */
    Condition condition(float[] embedding, String label);
}
