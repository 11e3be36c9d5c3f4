package dev.memscope.model.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lab's vector-Jacobian product with respect to the text embedding. Oracle: central finite differences, step
 * h = 1e-6 along a random unit direction w of the embedding, of {@code <v, eps(x, t, c + h w)>} computed by an
 * independent float64 implementation of the mixture eps ({@link #eps64}: the formula of {@link LabDenoiser}'s
 * class comment, written out without screening or GEMM). Error budget: truncation (beta h)^2 ~ 1e-9 relative, float64
 * cancellation ~1e-16 |f| / h, float32 output of the VJP ~6e-8 |vjp| |w|; tolerance 1e-5 |vjp| |w| plus 16 ulp of |f| / h.
 * Beta is lowered to 30 so the responsibilities are mixed and the gradient is not zero (at the default 1e5 it is,
 * see {@link #defaultBetaGivesZeroGradientAtTheFirstStep}).
 */
class LabEmbeddingVjpTest {
    private static final double H = 1e-6;
    private static final double RTOL = 1e-5;
    /** Float64 rounding of f(c +- h w), amplified by 1/h in the difference: 16 ulp of |f|. */
    private static final double FD_ROUNDING = 16 * 0x1p-52;

    private final LabWorld world = LabWorld.build(SmallWorlds.config().with("beta", 30.0), SmallWorlds.MEM,
            SmallWorlds.NMEM);
    private final LabDenoiser model = new LabDenoiser(world, new VectorGemm());

    @ParameterizedTest
    @ValueSource(ints = {981, 501, 41})
    void matchesFloat64CentralDifferences(int t) {
        Shape shape = new Shape(3, world.channels(), world.height(), world.width());
        TensorF32 x = points(shape, t);
        Condition[] c = {model.condition(SmallWorlds.MEM.get(0)), model.condition(SmallWorlds.NMEM.get(1)),
            model.condition(SmallWorlds.NMEM.get(2))};
        TensorF32 v = TensorF32.gaussian(shape, 17);
        int e = world.embeddingDim();
        float[] vjp = new float[shape.batch() * e];
        model.embeddingVjp(x, t, c, v, vjp);
        Random r = new Random(23);
        int d = shape.sampleSize();
        for (int b = 0; b < shape.batch(); b++) {
            double[] w = new double[e];
            double wn = 0;
            for (int j = 0; j < e; j++) {
                w[j] = r.nextGaussian();
                wn += w[j] * w[j];
            }
            wn = Math.sqrt(wn);
            double analytic = 0;
            double vjpNorm = 0;
            for (int j = 0; j < e; j++) {
                w[j] /= wn;
                analytic += vjp[b * e + j] * w[j];
                vjpNorm += (double) vjp[b * e + j] * vjp[b * e + j];
            }
            vjpNorm = Math.sqrt(vjpNorm);
            double[] cp = new double[e];
            double[] cm = new double[e];
            for (int j = 0; j < e; j++) {
                cp[j] = c[b].embedding()[j] + H * w[j];
                cm[j] = c[b].embedding()[j] - H * w[j];
            }
            double fp = dot(v.data(), b * d, eps64(x.data(), b * d, t, cp));
            double fm = dot(v.data(), b * d, eps64(x.data(), b * d, t, cm));
            double fd = (fp - fm) / (2 * H);
            if (b == 1 || (b == 2 && t == 981)) {
                // The midpoint row is mixed at every noise level, the pure-noise row at high noise: a gradient to
                // check. (The memorized row's posterior is pinned to its image: |vjp| ~ 1e-6.)
                assertThat(vjpNorm).as("t = %d, sample %d", t, b).isGreaterThan(1e-4);
            }
            assertThat(Math.abs(analytic - fd)).as("t = %d, sample %d (fd %g, |vjp| %g)", t, b, fd, vjpNorm)
                    .isLessThanOrEqualTo(RTOL * vjpNorm + FD_ROUNDING * Math.max(Math.abs(fp), Math.abs(fm)) / H);
        }
    }

    @Test
    void defaultBetaGivesZeroGradientAtTheFirstStep() {
        LabWorld sharp = SmallWorlds.world();
        LabDenoiser m = new LabDenoiser(sharp, new VectorGemm());
        Shape shape = new Shape(2, sharp.channels(), sharp.height(), sharp.width());
        TensorF32 x = TensorF32.gaussian(shape, 3);
        Condition[] c = {m.condition(SmallWorlds.MEM.get(0)), m.condition(SmallWorlds.NMEM.get(0))};
        float[] out = new float[2 * sharp.embeddingDim()];
        m.embeddingVjp(x, 981, c, TensorF32.gaussian(shape, 4), out);
        // beta = 1e5: the prompt's own component leads the next one by thousands of nats, every other component is
        // screened out, and the responsibilities cannot move: the exact gradient is zero (docs/mitigation.md).
        for (float f : out) {
            assertThat(f).isZero();
        }
    }

    @Test
    void rejectsNullConditionsAndBadShapes() {
        Shape shape = new Shape(1, world.channels(), world.height(), world.width());
        TensorF32 x = TensorF32.gaussian(shape, 1);
        float[] out = new float[world.embeddingDim()];
        assertThatThrownBy(() -> model.embeddingVjp(x, 981, new Condition[] {Condition.NULL}, x.copy(), out))
                .hasMessageContaining("null condition");
        Condition c = model.condition("a dog");
        assertThatThrownBy(() -> model.embeddingVjp(x, 981, new Condition[] {c}, x.copy(), new float[3]))
                .hasMessageContaining("out has 3 floats");
        assertThatThrownBy(() -> model.condition(new float[3], "short"))
                .hasMessageContaining("embedding has 3 dimensions");
    }

    /** Rows: x_t around a memorized image, the exact midpoint of two broad clusters (mixed at low noise), noise. */
    private TensorF32 points(Shape shape, int t) {
        double abar = NoiseSchedule.stableDiffusion().alphabar(t);
        double s = Math.sqrt(abar);
        int d = shape.sampleSize();
        TensorF32 x = TensorF32.gaussian(shape, 5);
        int mem = world.indicesOf(LabWorld.Kind.MEMORIZED)[0];
        int[] broad = world.indicesOf(LabWorld.Kind.NONMEMORIZED);
        float[] mu = world.mu();
        Random r = new Random(9);
        for (int i = 0; i < d; i++) {
            x.data()[i] = (float) (s * mu[mem * d + i] + Math.sqrt(1 - abar) * r.nextGaussian());
            x.data()[d + i] = (float) (s * 0.5 * (mu[broad[1] * d + i] + mu[broad[2] * d + i]));
        }
        return x;
    }

    /** Float64 eps of the mixture at x (row at xo) for the embedding c: log prior log n_k + beta <c, e_k>. */
    private double[] eps64(float[] x, int xo, int t, double[] c) {
        int k = world.components();
        int e = world.embeddingDim();
        float[] keys = world.emb();
        double[] lp = new double[k];
        for (int i = 0; i < k; i++) {
            double dot = 0;
            for (int j = 0; j < e; j++) {
                dot += c[j] * keys[i * e + j];
            }
            lp[i] = Math.log(world.counts()[i]) + world.beta() * dot;
        }
        double[] xd = new double[world.dim()];
        for (int j = 0; j < xd.length; j++) {
            xd[j] = x[xo + j];
        }
        return MixtureEpsReference.eps(world, xd, t, lp);
    }

    private static double dot(float[] a, int ao, double[] b) {
        double s = 0;
        for (int j = 0; j < b.length; j++) {
            s += a[ao + j] * b[j];
        }
        return s;
    }
}
