package dev.memscope.mia;

import java.util.Arrays;

/**
 * Per-column centering by the median and scaling by the interquartile range, as scikit-learn's
 * {@code RobustScaler()} with its defaults: quantiles by NumPy's default ("linear") percentile, median of an even
 * count the mean of the two middle values, and a scale below {@code 10 * ulp(1)} replaced by 1 (constant columns
 * are centered, not blown up).
 */
public final class RobustScaler {
    private final double[] center;
    private final double[] scale;

    private RobustScaler(double[] center, double[] scale) {
        this.center = center;
        this.scale = scale;
    }

    /** Fits on the rows of {@code x} (all of the same width, finite). */
    public static RobustScaler fit(double[][] x) {
        if (x.length == 0) {
            throw new IllegalArgumentException("robust scaler: no rows to fit");
        }
        int m = x[0].length;
        double[] center = new double[m];
        double[] scale = new double[m];
        double[] col = new double[x.length];
        for (int j = 0; j < m; j++) {
            for (int i = 0; i < x.length; i++) {
                if (x[i].length != m) {
                    throw new IllegalArgumentException("robust scaler: row " + i + " has " + x[i].length
                            + " columns, row 0 has " + m);
                }
                col[i] = x[i][j];
            }
            Arrays.sort(col);
            center[j] = median(col);
            double iqr = percentile(col, 75) - percentile(col, 25);
            scale[j] = iqr < 10 * Math.ulp(1.0) ? 1.0 : iqr;
        }
        return new RobustScaler(center, scale);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** NumPy's linear percentile of sorted data, including its two-sided lerp. */
    static double percentile(double[] sorted, double q) {
        double pos = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double t = pos - lo;
        double a = sorted[lo];
        double b = sorted[hi];
        double diff = b - a;
        // numpy._lerp: a + diff*t below one half, b - diff*(1-t) from one half on (monotone and exact at the ends)
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    public double[] center() {
        return center.clone();
    }

    public double[] scale() {
        return scale.clone();
    }

    /** {@code (x - center) / scale}, column-wise, into a new array. */
    public double[][] transform(double[][] x) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != center.length) {
                throw new IllegalArgumentException("robust scaler fitted on " + center.length + " columns, row " + i
                        + " has " + x[i].length);
            }
            out[i] = new double[center.length];
            for (int j = 0; j < center.length; j++) {
                out[i][j] = (x[i][j] - center[j]) / scale[j];
            }
        }
        return out;
    }
}
