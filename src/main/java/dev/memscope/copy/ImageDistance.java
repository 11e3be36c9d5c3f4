package dev.memscope.copy;

/**
 * A distance between two generated images (flattened {@code [C, H, W]}), for clustering generations. Pluggable so
 * the copy embedding of issue 15 (1 - cosine of embeddings, DBSCAN eps 0.5 as MemBench) can replace the testbed's
 * pixel measure ({@link NormalisedRmsDistance}) without touching the clustering.
 */
@FunctionalInterface
public interface ImageDistance {
    double between(float[] a, float[] b);
}
