package dev.memscope.eval.membench;

/**
 * Frechet distance between Gaussians fitted to two feature sets (FID's formula):
 * {@code |m1 - m2|^2 + tr(S1 + S2 - 2 (S1 S2)^{1/2})}, sample means and unbiased (n - 1) covariances, all in
 * float64. The trace of the square root uses {@code tr (S1 S2)^{1/2} = tr (S1^{1/2} S2 S1^{1/2})^{1/2}}: both
 * square roots are of symmetric positive semi-definite matrices, taken by a Jacobi eigendecomposition with
 * eigenvalues below zero (rounding) clamped to zero, so no complex parts arise (scipy.linalg.sqrtm of the
 * non-symmetric S1 S2 agrees up to rounding; scripts/eval/membench_expected.py).
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    public static double of(double[][] a, double[][] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("Frechet distance needs at least 2 samples per set, got " + a.length
                    + " and " + b.length);
        }
        int d = a[0].length;
        double[] m1 = mean(a, d, "first");
        double[] m2 = mean(b, d, "second");
        double[][] s1 = covariance(a, m1);
        double[][] s2 = covariance(b, m2);
        double diff = 0;
        for (int i = 0; i < d; i++) {
            diff += (m1[i] - m2[i]) * (m1[i] - m2[i]);
        }
        double tr = 0;
        for (int i = 0; i < d; i++) {
            tr += s1[i][i] + s2[i][i];
        }
        double[][] r1 = SymmetricEigen.sqrtPsd(s1);
        double[][] m = SymmetricEigen.multiply(SymmetricEigen.multiply(r1, s2), r1);
        double[] ev = SymmetricEigen.eigenvalues(m);
        double trSqrt = 0;
        for (double v : ev) {
            trSqrt += Math.sqrt(Math.max(v, 0));
        }
        double fd = diff + tr - 2 * trSqrt;
        if (!Double.isFinite(fd)) {
            throw new IllegalArgumentException("Frechet distance is " + fd + " (non-finite features)");
        }
        return fd;
    }

    static double[] mean(double[][] x, int d, String which) {
        double[] m = new double[d];
        for (int s = 0; s < x.length; s++) {
            if (x[s].length != d) {
                throw new IllegalArgumentException("Frechet distance: " + which + " set, sample " + s + " has "
                        + x[s].length + " features, expected " + d);
            }
            for (int i = 0; i < d; i++) {
                if (!Double.isFinite(x[s][i])) {
                    throw new IllegalArgumentException("Frechet distance: " + which + " set, sample " + s
                            + " feature " + i + " is " + x[s][i]);
                }
                m[i] += x[s][i];
            }
        }
        for (int i = 0; i < d; i++) {
            m[i] /= x.length;
        }
        return m;
    }

    static double[][] covariance(double[][] x, double[] m) {
        int d = m.length;
        double[][] c = new double[d][d];
        double[] r = new double[d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                r[i] = row[i] - m[i];
            }
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    c[i][j] += r[i] * r[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                c[i][j] /= x.length - 1;
                c[j][i] = c[i][j];
            }
        }
        return c;
    }
}
