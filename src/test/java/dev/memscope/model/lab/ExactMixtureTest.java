package dev.memscope.model.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.memscope.model.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exact draws from p(x0|c) against the closed form: per element, mean {@code sum pi_k mu_k} and variance
 * {@code sum pi_k (sigma2_k + mu_k^2) - mean^2}. Tolerances: with N draws the standard error of a mean is
 * sqrt(var/N) and of a variance ~ var sqrt(2/N); we average over all D elements' errors (5 standard errors).
 */
class ExactMixtureTest {
    private static final int N = 4000;

    @Test
    void drawsHaveTheMixtureMeanAndVariance() {
        LabConfig cfg = LabConfig.defaults().with("height", 4).with("width", 4).with("genericComponents", 6)
                .with("embeddingDim", 32).with("beta", 4.0).with("broadSigma2", 0.5);
        LabWorld w = LabWorld.build(cfg, List.of("red apple", "blue car"), List.of("green tree", "a house"));
        ExactMixture m = new ExactMixture(w);
        Condition c = Condition.of(new TextEncoder(32).encode("red apple tree"), "red apple tree");
        double[] pi = m.weights(c);
        assertThat(java.util.Arrays.stream(pi).sum()).isCloseTo(1.0, within(1e-12));
        // The prompt must mix several components for the variance check to mean something.
        assertThat(java.util.Arrays.stream(pi).max().getAsDouble()).isLessThan(0.95);
        int d = w.dim();
        float[] x = new float[N * d];
        m.sample(c, 7, N, x, 0);
        double[] mean = m.mean(c);
        double meanErr = 0;
        double varErr = 0;
        double varScale = 0;
        for (int j = 0; j < d; j++) {
            double second = 0;
            for (int k = 0; k < pi.length; k++) {
                double mu = w.mu()[k * d + j];
                second += pi[k] * (w.sigma2()[k] + mu * mu);
            }
            double var = second - mean[j] * mean[j];
            double s = 0;
            double ss = 0;
            for (int i = 0; i < N; i++) {
                s += x[i * d + j];
            }
            double sm = s / N;
            for (int i = 0; i < N; i++) {
                ss += (x[i * d + j] - sm) * (x[i * d + j] - sm);
            }
            meanErr += Math.abs(sm - mean[j]) / Math.sqrt(var / N);
            varErr += Math.abs(ss / (N - 1) - var) / (var * Math.sqrt(2.0 / N));
            varScale += var;
        }
        // Mean absolute z-score of a standard normal is 0.8; allow up to 2 (a biased sampler scores far higher).
        assertThat(meanErr / d).isLessThan(2.0);
        assertThat(varErr / d).isLessThan(2.0);
        assertThat(varScale / d).isGreaterThan(0.5);
        // Same seed, same draws.
        float[] y = new float[2 * d];
        m.sample(c, 7, 2, y, 0);
        assertThat(y).containsExactly(java.util.Arrays.copyOf(x, 2 * d));
    }
}
