package dev.memscope.mitigate;

import dev.memscope.kernels.Gemm;
import java.util.List;
import java.util.Optional;

/**
 * The lab's stand-in for SSCD similarity: cosine between a predicted x0 and a training image in latent space, the
 * maximum over the training set, and its exact gradient. The search is one float32 {@code X M^T} product
 * (B x N x D); the winner's cosine and gradient are recomputed in float64.
 */
final class TrainingSimilarity {
    private final TrainingImages training;
    private final Gemm gemm;
    private final double[] norms;

    TrainingSimilarity(TrainingImages training, Gemm gemm) {
        this.training = training;
        this.gemm = gemm;
        int d = training.dim();
        float[] m = training.images();
        norms = new double[training.count()];
        for (int i = 0; i < norms.length; i++) {
            double s = 0;
            for (int j = i * d; j < (i + 1) * d; j++) {
                s += (double) m[j] * m[j];
            }
            norms[i] = Math.sqrt(s);
        }
    }

    int dim() {
        return training.dim();
    }

    String caption(int image) {
        return training.captions().get(image);
    }

    /**
     * For each of the b rows of {@code x} ([b, D]): the index of the most similar training image into
     * {@code nearest} and its cosine (float64) into {@code sigma}. A zero row or image has cosine 0.
     */
    void nearest(float[] x, int b, double[] sigma, int[] nearest) {
        int d = training.dim();
        int n = training.count();
        float[] dots = new float[b * n];
        gemm.multiplyNT(b, n, d, x, training.images(), dots);
        for (int r = 0; r < b; r++) {
            double xn = norm(x, r * d, d);
            int best = 0;
            double bestCos = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double den = xn * norms[i];
                double c = den > 0 ? dots[r * n + i] / den : 0;
                if (c > bestCos) {
                    bestCos = c;
                    best = i;
                }
            }
            nearest[r] = best;
            sigma[r] = cosine(x, r * d, best);
        }
    }

    /**
     * The deduplication caption of row {@code x[xo .. xo + D)} under {@code rule}: the most frequent caption among
     * its {@code k} most similar training entries (float64 cosines) when it occurs at least {@code rule.minCount()}
     * times; else the caption of the nearest image {@code nearest} if the rule falls back, or empty (no
     * deduplication term). With {@code rule.countsCopies()} an entry is one copy (an image duplicated c times gives
     * c neighbours of equal similarity, their captions cycling as in training) and k is capped at the number of
     * copies; otherwise an entry is one unique image under its first caption. Deterministic ties: images of equal
     * cosine keep their training order (a stable sort), and among equally frequent captions the one met first,
     * nearest first, wins (the authors' {@code Counter.most_common} keeps insertion order among equal counts).
     */
    Optional<String> dedupCaption(float[] x, int xo, int nearest, DedupRule rule) {
        int n = training.count();
        boolean copies = rule.countsCopies();
        long kk = copies ? Math.min(rule.neighbours(), training.totalCopies()) : rule.neighboursFor(n);
        Integer[] order = new Integer[n];
        double[] cos = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            cos[i] = cosine(x, xo, i);
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(cos[b], cos[a]));
        java.util.LinkedHashMap<String, Long> counts = new java.util.LinkedHashMap<>();
        long seen = 0;
        for (int r = 0; r < n && seen < kk; r++) {
            int image = order[r];
            if (!copies) {
                counts.merge(caption(image), 1L, Long::sum);
                seen++;
                continue;
            }
            long take = Math.min(training.copiesOf(image), kk - seen);
            List<String> cycle = training.captionCycles().get(image);
            int len = cycle.size();
            for (int j = 0; j < len && j < take; j++) {
                counts.merge(cycle.get(j), take / len + (j < take % len ? 1 : 0), Long::sum);
            }
            seen += take;
        }
        String best = null;
        long bestCount = 0;
        for (var e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        if (bestCount >= rule.minCount()) {
            return Optional.of(best);
        }
        return rule.fallbackToNearest() ? Optional.of(caption(nearest)) : Optional.empty();
    }

    /** Cosine of row {@code x[xo .. xo + D)} with training image {@code image}, in float64. */
    double cosine(float[] x, int xo, int image) {
        int d = training.dim();
        float[] m = training.images();
        double dot = 0;
        for (int j = 0; j < d; j++) {
            dot += (double) x[xo + j] * m[image * d + j];
        }
        double den = norm(x, xo, d) * norms[image];
        return den > 0 ? dot / den : 0;
    }

    /**
     * The gradient of {@code cos(x, m)} with respect to x: {@code m / (|x| |m|) - cos * x / |x|^2}, written to
     * {@code out[oo .. oo + D)}; zero where x or m is zero.
     */
    void cosineGradient(float[] x, int xo, int image, float[] out, int oo) {
        int d = training.dim();
        float[] m = training.images();
        double xn = norm(x, xo, d);
        if (xn == 0 || norms[image] == 0) {
            java.util.Arrays.fill(out, oo, oo + d, 0f);
            return;
        }
        double c = cosine(x, xo, image);
        double a = 1 / (xn * norms[image]);
        double b = c / (xn * xn);
        for (int j = 0; j < d; j++) {
            out[oo + j] = (float) (a * m[image * d + j] - b * x[xo + j]);
        }
    }

    private static double norm(float[] x, int xo, int d) {
        double s = 0;
        for (int j = xo; j < xo + d; j++) {
            s += (double) x[j] * x[j];
        }
        return Math.sqrt(s);
    }
}
