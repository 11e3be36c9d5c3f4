package dev.memscope.model.lab;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lab's text encoder: signed feature hashing of word unigrams and bigrams, L2-normalized.
 *
 * <p>Definition (so an independent implementation can reproduce it bit for bit up to float rounding):
 * lower-case the prompt ({@link Locale#ROOT}); words are maximal runs of letters and digits
 * ({@code [\p{L}\p{N}]+}); features are {@code "u:" + word} (weight 1) and {@code "b:" + word1 + " " + word2} for
 * adjacent words (weight {@link #BIGRAM_WEIGHT}); each feature's UTF-8 bytes are hashed with 64-bit FNV-1a, the
 * unsigned hash modulo E picks the dimension and bit 63 the sign (set: -1). The sum, accumulated in float64, is
 * divided by its L2 norm and rounded to float32. A prompt without words is the null condition ({@code null}).
 *
 * <p>Prompts that share words share features, so a word-level variant of a trigger prompt lands near it.
 */
public final class TextEncoder {
    public static final double BIGRAM_WEIGHT = 0.5;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final int dim;

    public TextEncoder(int dim) {
        if (dim < 2) {
            throw new IllegalArgumentException("embedding dimension must be >= 2, got " + dim);
        }
        this.dim = dim;
    }

    public int dim() {
        return dim;
    }

    /** The embedding of a prompt, or null for the null condition (a prompt with no words). */
    public float[] encode(String prompt) {
        List<String> words = words(prompt);
        if (words.isEmpty()) {
            return null;
        }
        double[] acc = new double[dim];
        for (int i = 0; i < words.size(); i++) {
            add(acc, "u:" + words.get(i), 1.0);
            if (i + 1 < words.size()) {
                add(acc, "b:" + words.get(i) + " " + words.get(i + 1), BIGRAM_WEIGHT);
            }
        }
        double norm = 0;
        for (double v : acc) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dim];
        if (norm == 0) {
            // Every feature cancelled (possible with signed hashing of a tiny vocabulary): keep the first
            // unigram's slot so the condition stays a unit vector rather than silently becoming null.
            long h = fnv1a("u:" + words.get(0));
            out[(int) Long.remainderUnsigned(h, dim)] = h < 0 ? -1f : 1f;
            return out;
        }
        for (int i = 0; i < dim; i++) {
            out[i] = (float) (acc[i] / norm);
        }
        return out;
    }

    public static List<String> words(String prompt) {
        List<String> out = new ArrayList<>();
        if (prompt == null) {
            return out;
        }
        String s = prompt.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (Character.isLetterOrDigit(cp)) {
                int j = i;
                while (j < s.length() && Character.isLetterOrDigit(s.codePointAt(j))) {
                    j += Character.charCount(s.codePointAt(j));
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                i += Character.charCount(cp);
            }
        }
        return out;
    }

    private void add(double[] acc, String feature, double weight) {
        long h = fnv1a(feature);
        int idx = (int) Long.remainderUnsigned(h, dim);
        acc[idx] += h < 0 ? -weight : weight;
    }

    static long fnv1a(String s) {
        long h = FNV_OFFSET;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }
}
