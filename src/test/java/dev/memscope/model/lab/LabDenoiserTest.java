package dev.memscope.model.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Exactness of the lab's eps. Oracles: (1) central finite differences of the exact float64 log-density
 * {@link LabWorld#logDensity} (direct sums, no GEMM, no screening), eps = -sqrt(1 - abar) grad log p_t;
 * (2) the closed-form posterior of a one-component world, eps = sqrt(1-abar)(x - s mu)/(abar sigma2 + 1 - abar).
 */
class LabDenoiserTest {
    /** Issue 4's tolerance for eps against finite differences (norm-wise relative error). */
    private static final double FD_RTOL = 1e-4;
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.stableDiffusion();

    private static double relErr(float[] got, int off, double[] want) {
        double num = 0;
        double den = 0;
        for (int j = 0; j < want.length; j++) {
            num += (got[off + j] - want[j]) * (got[off + j] - want[j]);
            den += want[j] * want[j];
        }
        return Math.sqrt(num / den);
    }

    /** A point near the data at noise level t: s * mu_j + sqrt(v_j) z, where the posterior is sharpest. */
    private static float[] nearComponent(LabWorld w, int j, int t, long seed) {
        double a = SCHEDULE.alphabar(t);
        double v = a * w.sigma2()[j] + 1 - a;
        Random r = new Random(seed);
        float[] x = new float[w.dim()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (Math.sqrt(a) * w.mu()[j * w.dim() + i] + Math.sqrt(v) * r.nextGaussian());
        }
        return x;
    }

    private static double[] fdEps(LabWorld w, float[] x, int t, Condition c) {
        double a = SCHEDULE.alphabar(t);
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        double vmin = Double.MAX_VALUE;
        for (double s2 : w.sigma2()) {
            vmin = Math.min(vmin, a * s2 + 1 - a);
        }
        double h = 1e-3 * Math.sqrt(vmin);
        double[] eps = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = xd[i];
            xd[i] = keep + h;
            double up = w.logDensity(xd, a, c);
            xd[i] = keep - h;
            double down = w.logDensity(xd, a, c);
            xd[i] = keep;
            eps[i] = -Math.sqrt(1 - a) * (up - down) / (2 * h);
        }
        return eps;
    }

    @ParameterizedTest(name = "exact path, t = {0}")
    @ValueSource(ints = {981, 501, 241, 41, 1})
    void epsEqualsScaledFiniteDifferenceGradient(int t) {
        checkAgainstFiniteDifferences(t, Integer.MAX_VALUE);
    }

    @ParameterizedTest(name = "dense path, t = {0}")
    @ValueSource(ints = {981, 501})
    void densePathAlsoMatchesAtHighNoise(int t) {
        checkAgainstFiniteDifferences(t, 0);
    }

    private void checkAgainstFiniteDifferences(int t, int exactLimit) {
        LabWorld w = SmallWorlds.world();
        try (LabDenoiser model = new LabDenoiser(w, new VectorGemm(1), exactLimit)) {
            Condition mem = model.condition(SmallWorlds.MEM.get(1));
            Condition nmem = model.condition(SmallWorlds.NMEM.get(0));
            Condition[] conds = {mem, Condition.NULL, nmem, mem};
            float[][] xs = {nearComponent(w, 1, t, 1), nearComponent(w, 1, t, 2),
                nearComponent(w, 4, t, 3), nearComponent(w, 10, t, 4)};
            int d = w.dim();
            TensorF32 x = TensorF32.zeros(new Shape(4, w.channels(), w.height(), w.width()));
            for (int b = 0; b < 4; b++) {
                System.arraycopy(xs[b], 0, x.data(), b * d, d);
            }
            TensorF32 eps = TensorF32.zeros(x.shape());
            model.predict(x, t, conds, eps);
            for (int b = 0; b < 4; b++) {
                double[] want = fdEps(w, xs[b], t, conds[b]);
                assertThat(relErr(eps.data(), b * d, want)).as("sample %d (%s) at t=%d", b, conds[b], t)
                        .isLessThan(FD_RTOL);
            }
        }
    }

    @Test
    void oneComponentWorldIsTheClosedFormGaussianPosterior() {
        int c = 3;
        int h = 4;
        int wd = 5;
        int d = c * h * wd;
        float[] mu = new float[d];
        Random r = new Random(9);
        for (int i = 0; i < d; i++) {
            mu[i] = (float) r.nextGaussian();
        }
        double sigma2 = 2e-3;
        LabWorld w = new LabWorld(LabConfig.defaults(), c, h, wd, 5.0, mu, new double[] {sigma2}, new double[] {7},
                new float[] {1f, 0f}, List.of("only"), new LabWorld.Kind[] {LabWorld.Kind.MEMORIZED});
        TensorF32 x = TensorF32.gaussian(new Shape(2, c, h, wd), 3);
        TensorF32 eps = TensorF32.zeros(x.shape());
        for (int t : new int[] {1, 41, 500, 981}) {
            for (int limit : new int[] {0, Integer.MAX_VALUE}) {
                try (LabDenoiser model = new LabDenoiser(w, new VectorGemm(1), limit)) {
                    model.predict(x, t, new Condition[] {Condition.NULL, Condition.of(new float[] {0f, 1f}, "x")}, eps);
                }
                double a = SCHEDULE.alphabar(t);
                double v = a * sigma2 + 1 - a;
                for (int i = 0; i < x.data().length; i++) {
                    double want = Math.sqrt(1 - a) * (x.data()[i] - Math.sqrt(a) * mu[i % d]) / v;
                    assertThat(Math.abs(eps.data()[i] - want)).as("t=%d limit=%d element %d", t, limit, i)
                            .isLessThanOrEqualTo(1e-5 * Math.abs(want) + 1e-6);
                }
            }
        }
    }

    @Test
    void sameConfigAndSeedGiveBitIdenticalEps() {
        LabWorld w1 = SmallWorlds.world();
        LabWorld w2 = SmallWorlds.world();
        assertThat(w2.mu()).isEqualTo(w1.mu());
        assertThat(w2.counts()).isEqualTo(w1.counts());
        assertThat(w2.emb()).isEqualTo(w1.emb());
        TensorF32 x = TensorF32.gaussian(new Shape(3, 2, 8, 8), 5);
        TensorF32 e1 = TensorF32.zeros(x.shape());
        TensorF32 e2 = TensorF32.zeros(x.shape());
        try (LabDenoiser m1 = new LabDenoiser(w1, new VectorGemm(1)); LabDenoiser m2 = new LabDenoiser(w2, new VectorGemm(2))) {
            for (int t : new int[] {981, 41}) {
                Condition[] c1 = {m1.condition("hippo"), Condition.NULL, m1.condition(SmallWorlds.MEM.get(0))};
                Condition[] c2 = {m2.condition("hippo"), Condition.NULL, m2.condition(SmallWorlds.MEM.get(0))};
                m1.predict(x, t, c1, e1);
                m2.predict(x, t, c2, e2);
                assertThat(e2.data()).isEqualTo(e1.data());
            }
        }
        LabWorld other = LabWorld.build(SmallWorlds.config().with("seed", 7), SmallWorlds.MEM, SmallWorlds.NMEM);
        assertThat(other.mu()).isNotEqualTo(w1.mu());
    }

    @Test
    void badInputIsNamed() {
        LabWorld w = SmallWorlds.world();
        try (LabDenoiser model = new LabDenoiser(w, new VectorGemm(1))) {
            TensorF32 x = TensorF32.zeros(new Shape(2, 2, 8, 8));
            TensorF32 out = TensorF32.zeros(x.shape());
            Condition[] two = {Condition.NULL, Condition.NULL};
            x.set(1, 1, 2, 3, Float.NaN);
            assertThatThrownBy(() -> model.predict(x, 10, two, out)).hasMessageContaining("NaN")
                    .hasMessageContaining("sample 1, element (c=1, h=2, w=3)");
            TensorF32 wrong = TensorF32.zeros(new Shape(2, 3, 8, 8));
            assertThatThrownBy(() -> model.predict(wrong, 10, two, TensorF32.zeros(wrong.shape())))
                    .hasMessageContaining("[2, 3, 8, 8]").hasMessageContaining("2x8x8");
            TensorF32 ok = TensorF32.zeros(x.shape());
            assertThatThrownBy(() -> model.predict(ok, 1000, two, out)).hasMessageContaining("1000");
            assertThatThrownBy(() -> model.predict(ok, 5, new Condition[] {Condition.NULL,
                Condition.of(new float[3], "short")}, out)).hasMessageContaining("condition 1");
        }
    }
}
