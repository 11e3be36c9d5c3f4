package dev.memscope.copy;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * MemBench's clustering distance: 1 - cosine of copy-detection embeddings (SSCD in MemBench; on the testbed the copy
 * embedding of docs/metrics.md). DBSCAN asks for every pair, so each image is embedded once: embeddings are kept by
 * the identity of the image array (the copy check hands DBSCAN the same arrays for every pair).
 */
public final class EmbeddingDistance implements ImageDistance {
    private final Function<float[], float[]> embed;
    private final Map<float[], float[]> cache = new IdentityHashMap<>();

    /** {@code embed}: one image ({@code [C, H, W]} flattened, model units) to its embedding. */
    public EmbeddingDistance(Function<float[], float[]> embed) {
        this.embed = embed;
    }

    @Override
    public double between(float[] a, float[] b) {
        float[] ea = embedding(a);
        float[] eb = embedding(b);
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < ea.length; i++) {
            dot += (double) ea[i] * eb[i];
            na += (double) ea[i] * ea[i];
            nb += (double) eb[i] * eb[i];
        }
        if (na == 0 || nb == 0) {
            throw new IllegalArgumentException("copy embedding of norm 0: cosine undefined");
        }
        return 1 - dot / Math.sqrt(na * nb);
    }

    private float[] embedding(float[] image) {
        float[] e = cache.get(image);
        if (e == null) {
            e = embed.apply(image);
            for (int i = 0; i < e.length; i++) {
                if (!Float.isFinite(e[i])) {
                    throw new IllegalArgumentException("copy embedding holds " + e[i] + " at element " + i);
                }
            }
            cache.put(image, e);
        }
        return e;
    }
}
