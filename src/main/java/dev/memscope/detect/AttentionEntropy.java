package dev.memscope.detect;

import dev.memscope.model.CrossAttention.AttentionMaps;

/**
 * Ren et al.'s (ECCV 2024) attention statistics of one forward pass, per sample: the cross-attention probabilities
 * averaged over query pixels within each layer, then over layers (each layer weighted equally, as the authors'
 * {@code detect.py} averages a stacked {@code [layer, ..., token]} array), giving one distribution a over the T text
 * tokens; its entropy {@code E = -sum_i a_i log a_i} (natural log, over all T tokens: BOS, prompt, EOS and padding,
 * as theirs) and the share {@code a_0} of the BOS token. Accumulated in double.
 */
public final class AttentionEntropy {
    private AttentionEntropy() {
    }

    /** The layer- and pixel-averaged token distribution of every sample: {@code [B][T]}. */
    public static double[][] tokenDistribution(AttentionMaps m) {
        int layers = m.layers().size();
        int[] pixels = m.pixels();
        double[][] a = new double[m.batch()][m.tokens()];
        for (int l = 0; l < layers; l++) {
            float[] map = m.maps().get(l);
            int hw = pixels[l];
            double w = 1.0 / ((double) hw * layers);
            for (int b = 0; b < m.batch(); b++) {
                double[] row = a[b];
                int base = b * hw * m.tokens();
                for (int p = 0; p < hw; p++) {
                    int off = base + p * m.tokens();
                    for (int i = 0; i < m.tokens(); i++) {
                        row[i] += w * map[off + i];
                    }
                }
            }
        }
        return a;
    }

    /** {@code -sum a_i log a_i} of a distribution; tokens with zero attention contribute 0 (the limit). */
    public static double entropy(double[] a) {
        double e = 0;
        for (double v : a) {
            if (v < 0 || !Double.isFinite(v)) {
                throw new IllegalArgumentException("attention probability " + v + " is not in [0, 1]");
            }
            if (v > 0) {
                e -= v * Math.log(v);
            }
        }
        return e;
    }

    /** The entropy of every sample's token distribution. */
    public static double[] entropies(AttentionMaps m) {
        double[][] a = tokenDistribution(m);
        double[] e = new double[a.length];
        for (int b = 0; b < a.length; b++) {
            e[b] = entropy(a[b]);
        }
        return e;
    }
}
