package dev.memscope.model;

import dev.memscope.tensor.TensorF32;
import java.util.List;

/**
 * A model that can report its cross-attention probabilities (softmax over the text tokens) alongside a noise
 * prediction, for attention-based detectors such as Ren et al. (ECCV 2024). Asked of a model through
 * {@link Denoiser#crossAttention()}, so pass-counting wrappers can delegate and count.
 */
public interface CrossAttention {

    /**
     * Runs the model on {@code xt} at timestep {@code t} (one forward pass per latent) and returns every
     * cross-attention layer's probabilities for every sample.
     */
    AttentionMaps attention(TensorF32 xt, int t, Condition[] conditions);

    /**
     * The cross-attention probabilities of one forward pass.
     *
     * @param layers   the layer names, in the model's order
     * @param maps     per layer, {@code [B, pixels(layer), tokens]} row-major (already averaged over heads)
     * @param pixels   query positions per layer
     * @param batch    samples B
     * @param tokens   text tokens T (the key length)
     */
    record AttentionMaps(List<String> layers, List<float[]> maps, int[] pixels, int batch, int tokens) {
        public AttentionMaps {
            layers = List.copyOf(layers);
            maps = List.copyOf(maps);
            pixels = pixels.clone();
            if (layers.size() != maps.size() || layers.size() != pixels.length || layers.isEmpty()) {
                throw new IllegalArgumentException(layers.size() + " layer names, " + maps.size() + " maps, "
                        + pixels.length + " pixel counts: one of each per layer, at least one layer");
            }
            for (int l = 0; l < maps.size(); l++) {
                long want = (long) batch * pixels[l] * tokens;
                if (maps.get(l).length != want) {
                    throw new IllegalArgumentException("attention layer " + layers.get(l) + " has "
                            + maps.get(l).length + " values; [" + batch + ", " + pixels[l] + ", " + tokens
                            + "] needs " + want);
                }
            }
        }

        @Override
        public int[] pixels() {
            return pixels.clone();
        }
    }
}
