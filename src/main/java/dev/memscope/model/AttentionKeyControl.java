package dev.memscope.model;

/**
 * A model's capability to apply {@link KeyLogits} carried by its conditions (the testbed's re-exported UNet, with
 * the inputs {@code attn_key_scale} and {@code attn_key_bias}), asked of a model through
 * {@link Denoiser#attentionKeyControl()} so that wrappers can delegate.
 */
public interface AttentionKeyControl {

    /** Text keys T per condition (the tokenizer length). */
    int keys();

    /**
     * Keys a prompt occupies: BOS, its tokens (truncated to {@code keys() - 2}) and the first EOS; the keys after
     * them are padding.
     */
    int promptKeys(String prompt);
}
