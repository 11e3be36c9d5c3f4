package dev.memscope.golden;

import java.util.Arrays;

/** Compares float32 outputs with float64 references under a {@link Tolerance}; used by the golden suite and tests. */
public final class GoldenComparator {
    private GoldenComparator() {
    }

    /**
     * @param shape {@code [B]} for per-sample results or {@code [B, C, H, W]}; the first dimension indexes
     *              the sample a per-sample atol applies to
     */
    public static Comparison compare(double[] expected, float[] actual, int[] shape, Tolerance tol) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (expected.length != n || actual.length != n) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has " + n + " elements but expected has "
                    + expected.length + " and actual " + actual.length);
        }
        int batch = shape[0];
        if (tol.perSample() && tol.atol().length != batch) {
            throw new IllegalArgumentException("tolerance has " + tol.atol().length + " per-sample atol values for a batch of "
                    + batch);
        }
        int perSample = batch == 0 ? 0 : (int) (n / batch);
        int worst = 0;
        double worstRatio = -1;
        double maxAbs = 0;
        double maxRel = 0;
        int failures = 0;
        for (int i = 0; i < n; i++) {
            double ref = expected[i];
            double x = actual[i];
            double err = Math.abs(x - ref);
            double allowed = tol.allowed(ref, i / perSample);
            double ratio;
            if (Double.isNaN(err) || Double.isInfinite(err)) {
                ratio = Double.POSITIVE_INFINITY;
                err = Double.POSITIVE_INFINITY;
            } else {
                ratio = allowed > 0 ? err / allowed : (err == 0 ? 0 : Double.POSITIVE_INFINITY);
            }
            if (!(err <= allowed)) {
                failures++;
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
            maxAbs = Math.max(maxAbs, err);
            double rel = ref != 0 ? err / Math.abs(ref) : (err == 0 ? 0 : Double.POSITIVE_INFINITY);
            maxRel = Math.max(maxRel, rel);
        }
        return new Comparison(failures == 0, (int) n, worst, locate(worst, shape), expected[worst], actual[worst],
                maxAbs, maxRel, Math.max(worstRatio, 0), failures, tol);
    }

    /** {@code sample 2} for a [B] result, {@code sample 0, c=3, h=17, w=5} for [B, C, H, W]. */
    public static String locate(int flat, int[] shape) {
        if (shape.length != 4) {
            return "sample " + flat;
        }
        int w = shape[3];
        int h = shape[2];
        int c = shape[1];
        int s = flat / (c * h * w);
        int r = flat % (c * h * w);
        return "sample " + s + ", c=" + r / (h * w) + ", h=" + (r % (h * w)) / w + ", w=" + r % w;
    }
}
