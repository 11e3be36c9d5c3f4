package dev.memscope.model.lab;

import dev.memscope.diffusion.NoiseSchedule;

/**
 * The noised mixture at timestep t: x_t | k ~ N(s mu_k, v_k I) with s = sqrt(abar), v_k = abar sigma2_k + 1 - abar;
 * q = sqrt(1 - abar) scales eps; logNorm_k is the Gaussian's log normalizer in D dimensions.
 */
record NoiseLevel(double abar, double s, double q, double[] v, double[] logNorm) {

    static NoiseLevel of(LabWorld world, NoiseSchedule schedule, int t) {
        int k = world.components();
        int d = world.dim();
        double abar = schedule.alphabar(t);
        double[] v = new double[k];
        double[] logNorm = new double[k];
        for (int i = 0; i < k; i++) {
            v[i] = abar * world.sigma2()[i] + (1 - abar);
            logNorm[i] = -0.5 * d * Math.log(2 * Math.PI * v[i]);
        }
        return new NoiseLevel(abar, Math.sqrt(abar), Math.sqrt(1 - abar), v, logNorm);
    }
}
