package dev.memscope.model.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The lab's exact Jacobian-vector product. Oracle: central finite differences of {@link LabDenoiser#predict} on the
 * exact float64 path ({@code exactLimit = MAX}), step 1e-3 along a unit direction; error budget: truncation
 * O(h^2) plus float32 output rounding ~6e-8 |eps| / h, so norm-wise rtol 2e-3. Also the symmetry
 * {@code <a, J b> = <b, J a>} that any Jacobian of a score (a Hessian of a log-density) has.
 */
class LabJvpTest {
    private static final double H = 1e-3;
    private static final double RTOL = 2e-3;

    private final LabWorld world = SmallWorlds.world();
    private final LabDenoiser model = new LabDenoiser(world, new VectorGemm(), Integer.MAX_VALUE);

    @ParameterizedTest
    @ValueSource(ints = {981, 701, 501, 201, 41, 1})
    void matchesCentralDifferences(int t) {
        Shape shape = new Shape(4, world.channels(), world.height(), world.width());
        TensorF32 x = points(shape, t);
        Condition[] c = {Condition.NULL, model.condition(SmallWorlds.MEM.get(0)), model.condition(SmallWorlds.NMEM.get(1)),
            model.condition(SmallWorlds.MEM.get(2))};
        TensorF32 u = unitRows(TensorF32.gaussian(shape, 7));
        TensorF32 j = TensorF32.zeros(shape);
        model.jvp(x, t, c, u, j);
        TensorF32 fd = centralDifference(x, t, c, u);
        int d = shape.sampleSize();
        for (int b = 0; b < shape.batch(); b++) {
            double err = 0;
            double ref = 0;
            for (int i = b * d; i < (b + 1) * d; i++) {
                err += sq(j.data()[i] - fd.data()[i]);
                ref += sq(fd.data()[i]);
            }
            assertThat(Math.sqrt(err)).as("t = %d, sample %d", t, b).isLessThanOrEqualTo(RTOL * Math.sqrt(ref));
        }
    }

    /**
     * Dense rows (screened float32 logits and projections, GEMM for sum w mu) against the float64 exact path, at the
     * high noise where the dense path is used; rtol 1e-4 norm-wise (measured ~1e-6).
     */
    @ParameterizedTest
    @ValueSource(ints = {981, 901, 801})
    void denseRowsMatchExactRows(int t) {
        LabDenoiser dense = new LabDenoiser(world, new VectorGemm(), 0);
        Shape shape = new Shape(4, world.channels(), world.height(), world.width());
        TensorF32 x = points(shape, t);
        Condition[] c = {Condition.NULL, model.condition(SmallWorlds.MEM.get(0)), model.condition(SmallWorlds.NMEM.get(1)),
            model.condition(SmallWorlds.MEM.get(2))};
        TensorF32 u = TensorF32.gaussian(shape, 9);
        TensorF32 exact = TensorF32.zeros(shape);
        TensorF32 fast = TensorF32.zeros(shape);
        model.jvp(x, t, c, u, exact);
        dense.jvp(x, t, c, u, fast);
        int d = shape.sampleSize();
        for (int b = 0; b < shape.batch(); b++) {
            double err = 0;
            double ref = 0;
            for (int i = b * d; i < (b + 1) * d; i++) {
                err += sq(fast.data()[i] - exact.data()[i]);
                ref += sq(exact.data()[i]);
            }
            assertThat(Math.sqrt(err)).as("t = %d, sample %d", t, b).isLessThanOrEqualTo(1e-4 * Math.sqrt(ref));
        }
    }

    @Test
    void isSymmetric() {
        int t = 501;
        Shape shape = new Shape(1, world.channels(), world.height(), world.width());
        TensorF32 x = points(shape, t);
        Condition[] c = {model.condition(SmallWorlds.MEM.get(1))};
        TensorF32 a = TensorF32.gaussian(shape, 11);
        TensorF32 b = TensorF32.gaussian(shape, 12);
        TensorF32 ja = TensorF32.zeros(shape);
        TensorF32 jb = TensorF32.zeros(shape);
        model.jvp(x, t, c, a, ja);
        model.jvp(x, t, c, b, jb);
        double bJa = dot(b, ja);
        double aJb = dot(a, jb);
        assertThat(Math.abs(bJa - aJb)).isLessThanOrEqualTo(1e-5 * Math.max(Math.abs(bJa), 1));
    }

    @Test
    void rejectsBadDirections() {
        Shape shape = new Shape(1, world.channels(), world.height(), world.width());
        TensorF32 x = TensorF32.gaussian(shape, 1);
        TensorF32 v = TensorF32.zeros(shape);
        v.data()[3] = Float.NaN;
        assertThatThrownBy(() -> model.jvp(x, 981, new Condition[] {Condition.NULL}, v, TensorF32.zeros(shape)))
                .hasMessageContaining("direction holds NaN");
        assertThatThrownBy(() -> model.jvp(x, 981, new Condition[] {Condition.NULL}, TensorF32.zeros(shape.withBatch(2)),
                TensorF32.zeros(shape))).hasMessageContaining("direction has shape");
    }

    /** Row 0: pure noise; row 1: next to a memorized image (its responsibilities split near t = 41); rows 2-3: x_t. */
    private TensorF32 points(Shape shape, int t) {
        double abar = NoiseSchedule.stableDiffusion().alphabar(t);
        TensorF32 x = TensorF32.gaussian(shape, 3);
        int d = shape.sampleSize();
        Random r = new Random(5);
        float[] mu = world.mu();
        int mem = world.indicesOf(LabWorld.Kind.MEMORIZED)[0];
        for (int b = 1; b < shape.batch(); b++) {
            int k = b == 1 ? mem : r.nextInt(world.components());
            for (int i = 0; i < d; i++) {
                x.data()[b * d + i] = (float) (Math.sqrt(abar) * mu[k * d + i] + Math.sqrt(1 - abar) * r.nextGaussian());
            }
        }
        return x;
    }

    private TensorF32 centralDifference(TensorF32 x, int t, Condition[] c, TensorF32 u) {
        TensorF32 xp = x.copy();
        TensorF32 xm = x.copy();
        for (int i = 0; i < x.data().length; i++) {
            xp.data()[i] = (float) (x.data()[i] + H * u.data()[i]);
            xm.data()[i] = (float) (x.data()[i] - H * u.data()[i]);
        }
        TensorF32 ep = TensorF32.zeros(x.shape());
        TensorF32 em = TensorF32.zeros(x.shape());
        model.predict(xp, t, c, ep);
        model.predict(xm, t, c, em);
        TensorF32 out = TensorF32.zeros(x.shape());
        for (int i = 0; i < x.data().length; i++) {
            // float32 rounding of x +- h u moves the displacement by ~3e-4 relative (norm-wise): inside RTOL.
            out.data()[i] = (float) (((double) ep.data()[i] - em.data()[i]) / (2 * H));
        }
        return out;
    }

    private static TensorF32 unitRows(TensorF32 v) {
        int d = v.shape().sampleSize();
        for (int b = 0; b < v.batch(); b++) {
            double s = 0;
            for (int i = b * d; i < (b + 1) * d; i++) {
                s += sq(v.data()[i]);
            }
            for (int i = b * d; i < (b + 1) * d; i++) {
                v.data()[i] = (float) (v.data()[i] / Math.sqrt(s));
            }
        }
        return v;
    }

    private static double dot(TensorF32 a, TensorF32 b) {
        double s = 0;
        for (int i = 0; i < a.data().length; i++) {
            s += (double) a.data()[i] * b.data()[i];
        }
        return s;
    }

    private static double sq(double v) {
        return v * v;
    }
}
