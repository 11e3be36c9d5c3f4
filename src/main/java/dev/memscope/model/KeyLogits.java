package dev.memscope.model;

import java.util.Arrays;

/**
 * A per-key control of a model's cross-attention logits, applied in every cross-attention layer before the
 * softmax: {@code logit[k] * scale[k] + bias[k]} for text key k, broadcast over heads and query pixels. Ones and
 * zeros leave the model unchanged; a bias of {@link #MASKED} gives a key zero probability. Carried by a
 * {@link Condition} ({@link Condition#withKeyLogits}); a model applies it where
 * {@link Denoiser#attentionKeyControl()} says it can.
 */
public record KeyLogits(float[] scale, float[] bias) {
    /**
     * The bias that masks a key: exp(-1e4) underflows to 0 in float32 and float16 alike, and -1e4 is still a
     * float16 value (a half-precision graph would turn -1e9 into -inf).
     */
    public static final float MASKED = -1e4f;

    public KeyLogits {
        if (scale == null || bias == null || scale.length == 0 || scale.length != bias.length) {
            throw new IllegalArgumentException("key logits: scale and bias need one value per key, got "
                    + (scale == null ? "no" : scale.length) + " and " + (bias == null ? "no" : bias.length));
        }
        for (int k = 0; k < scale.length; k++) {
            if (!Float.isFinite(scale[k]) || !Float.isFinite(bias[k])) {
                throw new IllegalArgumentException("key logits: key " + k + " has scale " + scale[k] + " and bias "
                        + bias[k] + "; both must be finite (mask with KeyLogits.MASKED)");
            }
        }
        scale = scale.clone();
        bias = bias.clone();
    }

    /** The control that changes nothing, over {@code keys} keys. */
    public static KeyLogits identity(int keys) {
        float[] ones = new float[keys];
        Arrays.fill(ones, 1f);
        return new KeyLogits(ones, new float[keys]);
    }

    public int keys() {
        return scale.length;
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    @Override
    public float[] bias() {
        return bias.clone();
    }

    /** Copies scale and bias into {@code scaleOut} and {@code biasOut} at {@code offset} (no allocation). */
    public void copyTo(float[] scaleOut, float[] biasOut, int offset) {
        System.arraycopy(scale, 0, scaleOut, offset, scale.length);
        System.arraycopy(bias, 0, biasOut, offset, bias.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyLogits k && Arrays.equals(scale, k.scale) && Arrays.equals(bias, k.bias);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(scale) + Arrays.hashCode(bias);
    }

    @Override
    public String toString() {
        return "KeyLogits(scale " + Arrays.toString(scale) + ", bias " + Arrays.toString(bias) + ")";
    }
}
