package dev.memscope.kernels;

import dev.memscope.tensor.TensorF32;

/**
 * Per element, the sum of the magnitudes of the terms an elementwise operation adds up: the scale of its
 * rounding error when the result cancels (see {@link KernelTolerances#ELEMENTWISE}). Bounds, not oracles: they
 * only size the tolerance, so they are written for every algebraically equal form a backend may use
 * ({@code (1 - s) u + s c} as well as {@code u + s (c - u)}).
 */
final class Terms {
    private Terms() {
    }

    static double[] cfg(TensorF32 epsU, TensorF32 epsC, float[] scale) {
        float[] u = epsU.data();
        float[] c = epsC.data();
        int n = epsU.shape().sampleSize();
        double[] t = new double[u.length];
        for (int i = 0; i < t.length; i++) {
            double s = Math.abs(scale[i / n]);
            t[i] = Math.abs(u[i]) + s * (Math.abs(c[i]) + Math.abs(u[i]));
        }
        return t;
    }

    static double[] amg(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0, float[] s1,
                        float[] s2, float[] c3, double abarT) {
        float[] u = epsU.data();
        float[] c = epsC.data();
        int n = epsU.shape().sampleSize();
        double noise = Math.sqrt(1 - abarT);
        double[] t = new double[u.length];
        for (int i = 0; i < t.length; i++) {
            int b = i / n;
            double au = Math.abs(u[i]);
            t[i] = au + Math.abs(s0 - s1[b]) * (Math.abs(c[i]) + au);
            if (epsN != null) {
                t[i] += Math.abs(s2[b]) * (au + Math.abs(epsN.data()[i]));
            }
            if (g != null) {
                t[i] += Math.abs(c3[b] * noise * g.data()[i]);
            }
        }
        return t;
    }

    static double[] linear(TensorF32 x, TensorF32 y, double alpha, double beta) {
        float[] xd = x.data();
        float[] yd = y.data();
        double[] t = new double[xd.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.abs(alpha * xd[i]) + Math.abs(beta * yd[i]);
        }
        return t;
    }

    /** (alpha, beta) of the DDIM step written as alpha * x_t + beta * eps, from the step's definition. */
    static double[] ddimCoefficients(double abarT, double abarPrev) {
        double alpha = Math.sqrt(abarPrev) / Math.sqrt(abarT);
        double beta = Math.sqrt(1 - abarPrev) - alpha * Math.sqrt(1 - abarT);
        return new double[] {alpha, beta};
    }

    static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
