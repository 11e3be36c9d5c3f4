package dev.memscope.model.lab;

import dev.memscope.model.Condition;
import java.util.SplittableRandom;

/**
 * The lab's clean-data distribution {@code p(x0 | c) = sum_k pi_k(c) N(mu_k, sigma2_k I)} used directly, without
 * a sampler: its mixture weights, its exact mean {@code E[x0 | c] = sum_k pi_k(c) mu_k} and exact draws (pick k
 * with probability pi_k(c), then {@code mu_k + sqrt(sigma2_k) z}). MemBench's utility metrics compare what a
 * (mitigated) sampler produces with these.
 */
public final class ExactMixture {
    private final LabWorld world;

    public ExactMixture(LabWorld world) {
        this.world = world;
    }

    /** pi_k(c): the softmax of {@link LabWorld#logPrior}, in float64. */
    public double[] weights(Condition c) {
        double[] lp = world.logPrior(c);
        double z = LabWorld.logSumExp(lp);
        double[] w = new double[lp.length];
        for (int k = 0; k < lp.length; k++) {
            w[k] = Math.exp(lp[k] - z);
        }
        return w;
    }

    /** The exact conditional mean {@code sum_k pi_k(c) mu_k}, D elements in float64. */
    public double[] mean(Condition c) {
        double[] w = weights(c);
        int d = world.dim();
        float[] mu = world.mu();
        double[] m = new double[d];
        for (int k = 0; k < w.length; k++) {
            if (w[k] == 0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                m[j] += w[k] * mu[k * d + j];
            }
        }
        return m;
    }

    /**
     * Writes n exact draws of {@code x0 ~ p(x0 | c)} into {@code out[offset .. offset + n*D)}; the draws are a
     * function of the seed alone.
     */
    public void sample(Condition c, long seed, int n, float[] out, int offset) {
        double[] w = weights(c);
        double[] cdf = new double[w.length];
        double acc = 0;
        for (int k = 0; k < w.length; k++) {
            acc += w[k];
            cdf[k] = acc;
        }
        int d = world.dim();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int s = 0; s < n; s++) {
            double u = rnd.nextDouble() * acc;
            int k = java.util.Arrays.binarySearch(cdf, u);
            k = k >= 0 ? k : -k - 1;
            k = Math.min(k, w.length - 1);
            draw(k, rnd, out, offset + s * d);
        }
    }

    /**
     * Writes one exact draw of component k, {@code mu_k + sqrt(sigma2_k) z}, into {@code out[offset .. offset + D)};
     * a function of the seed alone. A broad component is a cluster of many training images: this is one of them.
     */
    public void drawComponent(int k, long seed, float[] out, int offset) {
        if (k < 0 || k >= world.components()) {
            throw new IllegalArgumentException("component " + k + " is not in [0, " + world.components() + ")");
        }
        draw(k, new SplittableRandom(seed), out, offset);
    }

    /** {@code mu_k + sqrt(sigma2_k) z} into {@code out[offset .. offset + D)}, z from {@code rnd}. */
    private void draw(int k, SplittableRandom rnd, float[] out, int offset) {
        int d = world.dim();
        float[] mu = world.mu();
        double sd = Math.sqrt(world.sigma2()[k]);
        for (int j = 0; j < d; j++) {
            out[offset + j] = (float) (mu[k * d + j] + sd * SmoothField.gaussian(rnd));
        }
    }
}
