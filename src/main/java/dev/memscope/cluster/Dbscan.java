package dev.memscope.cluster;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * DBSCAN (Ester et al. 1996) on any distance, as scikit-learn's {@code DBSCAN(eps, min_samples)} defines it: a point
 * is core when at least {@code minSamples} points (itself included) lie within distance {@code <= eps}; clusters are
 * the core points reachable from each other plus their border points; the rest is noise (label -1). Clusters are
 * numbered in the order of their first core point, as scikit-learn numbers them. MemBench clusters 50 generations
 * with eps 0.5, min 3 on 1 - cosine of copy embeddings.
 */
public final class Dbscan {
    public static final int NOISE = -1;

    /** Pairwise distance by index. */
    @FunctionalInterface
    public interface Distances {
        double between(int i, int j);
    }

    private Dbscan() {
    }

    /** Labels per point, 0.. per cluster or {@link #NOISE}; distances must be finite and >= 0. */
    public static int[] labels(int n, Distances d, double eps, int minSamples) {
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("DBSCAN eps must be a finite number >= 0, got " + eps);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("DBSCAN min samples must be >= 1, got " + minSamples);
        }
        boolean[][] near = new boolean[n][n];
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = i == j ? 0 : d.between(i, j);
                if (!(v >= 0) || !Double.isFinite(v)) {
                    throw new IllegalArgumentException("DBSCAN distance between points " + i + " and " + j + " is "
                            + v);
                }
                if (v <= eps) {
                    near[i][j] = near[j][i] = true;
                    count[i] += 1;
                    if (i != j) {
                        count[j] += 1;
                    }
                }
            }
        }
        int[] label = new int[n];
        Arrays.fill(label, NOISE);
        boolean[] core = new boolean[n];
        for (int i = 0; i < n; i++) {
            core[i] = count[i] >= minSamples;
        }
        int next = 0;
        for (int i = 0; i < n; i++) {
            if (!core[i] || label[i] != NOISE) {
                continue;
            }
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            label[i] = next;
            queue.add(i);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                if (!core[p]) {
                    continue;
                }
                for (int q = 0; q < n; q++) {
                    if (near[p][q] && label[q] == NOISE) {
                        label[q] = next;
                        queue.add(q);
                    }
                }
            }
            next++;
        }
        return label;
    }

    /** Number of clusters in a labelling. */
    public static int clusters(int[] labels) {
        return Arrays.stream(labels).max().orElse(NOISE) + 1;
    }

}
