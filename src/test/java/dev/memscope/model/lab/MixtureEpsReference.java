package dev.memscope.model.lab;

import dev.memscope.diffusion.NoiseSchedule;

/**
 * The lab's eps in float64 straight from its definition (docs/lab.md): every component, nothing screened, one
 * log-sum-exp. Independent of {@link LabDenoiser}'s screening and GEMMs, so finite differences of it are the oracle
 * for the denoiser's analytic Jacobian products (AMG's gradient, Wen's embedding VJP).
 */
public final class MixtureEpsReference {
    private MixtureEpsReference() {
    }

    /** eps(x, t) for unnormalized log prior weights {@code lp} (one per component). */
    public static double[] eps(LabWorld world, double[] x, int t, double[] lp) {
        double abar = NoiseSchedule.stableDiffusion().alphabar(t);
        double s = Math.sqrt(abar);
        double q = Math.sqrt(1 - abar);
        int k = world.components();
        int d = world.dim();
        float[] mu = world.mu();
        double[] l = new double[k];
        double[] v = new double[k];
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            v[i] = abar * world.sigma2()[i] + 1 - abar;
            double d2 = 0;
            for (int j = 0; j < d; j++) {
                double diff = x[j] - s * mu[i * d + j];
                d2 += diff * diff;
            }
            l[i] = lp[i] - 0.5 * d * Math.log(2 * Math.PI * v[i]) - d2 / (2 * v[i]);
            m = Math.max(m, l[i]);
        }
        double z = 0;
        for (int i = 0; i < k; i++) {
            z += Math.exp(l[i] - m);
        }
        double[] eps = new double[d];
        for (int i = 0; i < k; i++) {
            double w = Math.exp(l[i] - m) / z / v[i];
            for (int j = 0; j < d; j++) {
                eps[j] += q * w * (x[j] - s * mu[i * d + j]);
            }
        }
        return eps;
    }
}
