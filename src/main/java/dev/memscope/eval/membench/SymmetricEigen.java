package dev.memscope.eval.membench;

/**
 * Cyclic Jacobi eigendecomposition of a real symmetric matrix in float64 (small matrices: the Frechet distance's
 * 64 x 64 covariances). Sweeps rotate away every off-diagonal element until their sum of squares is below
 * {@code 1e-30} of the matrix's, or 100 sweeps (Jacobi converges quadratically; ~10 sweeps suffice in practice).
 */
final class SymmetricEigen {
    private static final int MAX_SWEEPS = 100;

    private SymmetricEigen() {
    }

    /** Eigenvalues (unsorted) and, in the columns of {@code vectors}, eigenvectors. */
    record Decomposition(double[] values, double[][] vectors) {
    }

    static Decomposition decompose(double[][] s) {
        int n = s.length;
        double[][] a = new double[n][];
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (s[i].length != n) {
                throw new IllegalArgumentException("eigendecomposition: row " + i + " has " + s[i].length
                        + " elements, expected " + n);
            }
            a[i] = s[i].clone();
            for (int j = 0; j < n; j++) {
                total += a[i][j] * a[i][j];
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off <= 1e-30 * total || off == 0) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - sn * akq;
                        a[k][q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - sn * aqk;
                        a[q][k] = sn * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - sn * vkq;
                        v[k][q] = sn * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return new Decomposition(values, v);
    }

    static double[] eigenvalues(double[][] s) {
        return decompose(s).values();
    }

    /** The symmetric square root V diag(sqrt(max(lambda, 0))) V^T. */
    static double[][] sqrtPsd(double[][] s) {
        Decomposition e = decompose(s);
        int n = s.length;
        double[][] r = new double[n][n];
        for (int k = 0; k < n; k++) {
            double w = Math.sqrt(Math.max(e.values()[k], 0));
            if (w == 0) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                double vi = e.vectors()[i][k] * w;
                for (int j = 0; j < n; j++) {
                    r[i][j] += vi * e.vectors()[j][k];
                }
            }
        }
        return r;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        int kk = b.length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < kk; k++) {
                double aik = a[i][k];
                for (int j = 0; j < m; j++) {
                    c[i][j] += aik * b[k][j];
                }
            }
        }
        return c;
    }
}
