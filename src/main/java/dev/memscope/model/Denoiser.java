package dev.memscope.model;

import dev.memscope.tensor.TensorF32;
import java.util.Optional;

/**
 * A text-conditional diffusion model's noise predictor, batched: one call evaluates every sample of
 * {@code x_t [B, C, H, W]} at training timestep {@code t}, sample b under {@code conditions[b]}.
 * Implementations: the exact lab model; real models (ONNX, replayed outputs) later.
 */
public interface Denoiser extends AutoCloseable {

    /** What {@link #predict} returns: eps or v. */
    PredictionType predictionType();

    int channels();

    int height();

    int width();

    /** Creates the condition for a prompt; the empty prompt gives {@link Condition#NULL}. */
    Condition condition(String prompt);

    /**
     * Writes the model output (of {@link #predictionType()}) for every sample into {@code out}, which has the shape of
     * {@code xt} and must not alias it.
     */
    void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out);

    /**
     * This model's exact Jacobian-vector products, or empty. Wrappers (pass counters) override this to delegate, so
     * a capability is asked of the model, not found by {@code instanceof} through layers of wrappers.
     */
    default Optional<JacobianDenoiser> exactJacobian() {
        return Optional.empty();
    }

    /**
     * This model's vector-Jacobian products with respect to the latent ({@link LatentVjpDenoiser}, which SAIL needs),
     * or empty. Wrappers delegate, as for {@link #exactJacobian()}.
     */
    default Optional<LatentVjpDenoiser> latentVjpModel() {
        return Optional.empty();
    }

    /**
     * This model's cross-attention probabilities, or empty for a model without attention (the lab) or one that did
     * not record them (a replay). Wrappers delegate, as for {@link #exactJacobian()}.
     */
    default Optional<CrossAttention> crossAttention() {
        return Optional.empty();
    }

    /** The recording this model answers from (a replay), or empty for a model that can be evaluated anywhere. */
    default Optional<RecordedNoise> recording() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
