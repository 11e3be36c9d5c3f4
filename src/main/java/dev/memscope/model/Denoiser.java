package dev.memscope.model;

import dev.memscope.tensor.TensorF32;
import java.util.Arrays;
import java.util.List;
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
     * {@link #predict(TensorF32, int, Condition[], TensorF32)} with a timestep per sample. Denoising-free detectors
     * evaluate two timesteps on the same latents; a model that takes a timestep per sample (an ONNX UNet with a
     * {@code [batch]} timestep) overrides this to answer them in one call, since a real network's cost per call
     * falls with batch size. This default makes one call per run of equal consecutive timesteps.
     */
    default void predict(TensorF32 xt, int[] timesteps, Condition[] conditions, TensorF32 out) {
        if (timesteps.length != xt.batch() || conditions.length != xt.batch()) {
            throw new IllegalArgumentException(timesteps.length + " timesteps and " + conditions.length
                    + " conditions for " + xt.batch() + " latents");
        }
        int per = xt.shape().sampleSize();
        for (int from = 0; from < timesteps.length; ) {
            int to = from + 1;
            while (to < timesteps.length && timesteps[to] == timesteps[from]) {
                to++;
            }
            TensorF32 o = TensorF32.zeros(xt.shape().withBatch(to - from));
            predict(xt.slice(from, to), timesteps[from], Arrays.copyOfRange(conditions, from, to), o);
            System.arraycopy(o.data(), 0, out.data(), from * per, (to - from) * per);
            from = to;
        }
    }

    /** {@link #condition(String)} for many prompts; a model with a batched text encoder encodes them in one call. */
    default Condition[] conditions(List<String> prompts) {
        Condition[] out = new Condition[prompts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = condition(prompts.get(i));
        }
        return out;
    }

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

    /**
     * This model's control of its cross-attention logits by the {@link KeyLogits} a condition carries, or empty
     * (the lab, a replay, an ONNX UNet without the inputs) where such a condition is refused. Wrappers delegate.
     */
    default Optional<AttentionKeyControl> attentionKeyControl() {
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
