package dev.memscope.model.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lab's vector-Jacobian product with respect to the latent (SAIL's gradient), which {@link LabDenoiser} takes from
 * its JVP because the eps Jacobian is symmetric. Checked two ways, so that it fails if the Jacobian were not symmetric
 * or the product wrong: (1) {@code <u, J^T v> = <J^T u, v>} for random u, v (the symmetry the shortcut relies on;
 * float32 products, tolerance 1e-5 of |u| |J^T v|); (2) {@code <J^T v, w>} against central differences (h = 1e-6)
 * of {@code <v, eps(x + h w)>} from the independent float64 mixture ({@link MixtureEpsReference}), tolerance 1e-5
 * |J^T v| plus 16 ulp of |f| / h (as {@link LabEmbeddingVjpTest}). Beta 30 keeps the responsibilities mixed.
 */
class LabLatentVjpTest {
    private static final double H = 1e-6;
    private static final double RTOL = 1e-5;
    private static final double FD_ROUNDING = 16 * 0x1p-52;

    private final LabWorld world = LabWorld.build(SmallWorlds.config().with("beta", 30.0), SmallWorlds.MEM,
            SmallWorlds.NMEM);
    private final LabDenoiser model = new LabDenoiser(world, new VectorGemm());

    @ParameterizedTest
    @ValueSource(ints = {981, 501, 41})
    void isTheTransposeOfTheJacobian(int t) {
        Shape shape = new Shape(3, world.channels(), world.height(), world.width());
        TensorF32 x = points(shape, t);
        Condition[] c = {model.condition(SmallWorlds.MEM.get(0)), model.condition(SmallWorlds.NMEM.get(1)),
            Condition.NULL};
        TensorF32 u = TensorF32.gaussian(shape, 31);
        TensorF32 v = TensorF32.gaussian(shape, 37);
        TensorF32 jtv = TensorF32.zeros(shape);
        TensorF32 jtu = TensorF32.zeros(shape);
        model.latentVjp(x, t, c, v, jtv);
        model.latentVjp(x, t, c, u, jtu);
        int d = shape.sampleSize();
        Random r = new Random(41);
        for (int b = 0; b < shape.batch(); b++) {
            double uJv = dot(u.data(), jtv.data(), b * d, d);
            double vJu = dot(v.data(), jtu.data(), b * d, d);
            double scale = Math.sqrt(dot(u.data(), u.data(), b * d, d) * dot(jtv.data(), jtv.data(), b * d, d));
            assertThat(Math.abs(uJv - vJu)).as("t = %d, sample %d: <u, J^T v> %g vs <J^T u, v> %g", t, b, uJv, vJu)
                    .isLessThanOrEqualTo(1e-5 * scale);

            double[] w = new double[d];
            double wn = 0;
            for (int j = 0; j < d; j++) {
                w[j] = r.nextGaussian();
                wn += w[j] * w[j];
            }
            wn = Math.sqrt(wn);
            double analytic = 0;
            double[] xp = new double[d];
            double[] xm = new double[d];
            for (int j = 0; j < d; j++) {
                w[j] /= wn;
                analytic += jtv.data()[b * d + j] * w[j];
                xp[j] = x.data()[b * d + j] + H * w[j];
                xm[j] = x.data()[b * d + j] - H * w[j];
            }
            double[] lp = world.logPrior(c[b]);   // the prior is not under test; the x-derivative is
            double fp = dot(v.data(), b * d, MixtureEpsReference.eps(world, xp, t, lp));
            double fm = dot(v.data(), b * d, MixtureEpsReference.eps(world, xm, t, lp));
            double fd = (fp - fm) / (2 * H);
            double norm = Math.sqrt(dot(jtv.data(), jtv.data(), b * d, d));
            assertThat(Math.abs(analytic - fd)).as("t = %d, sample %d (fd %g, analytic %g)", t, b, fd, analytic)
                    .isLessThanOrEqualTo(RTOL * norm + FD_ROUNDING * Math.max(Math.abs(fp), Math.abs(fm)) / H);
        }
    }

    /** Rows: x_t around a memorized image, the midpoint of two broad clusters, pure noise. */
    private TensorF32 points(Shape shape, int t) {
        double s = Math.sqrt(NoiseSchedule.stableDiffusion().alphabar(t));
        int d = shape.sampleSize();
        TensorF32 x = TensorF32.gaussian(shape, 5);
        int mem = world.indicesOf(LabWorld.Kind.MEMORIZED)[0];
        int[] broad = world.indicesOf(LabWorld.Kind.NONMEMORIZED);
        float[] mu = world.mu();
        Random r = new Random(9);
        for (int i = 0; i < d; i++) {
            x.data()[i] = (float) (s * mu[mem * d + i] + Math.sqrt(1 - s * s) * r.nextGaussian());
            x.data()[d + i] = (float) (s * 0.5 * (mu[broad[1] * d + i] + mu[broad[2] * d + i]));
        }
        return x;
    }

    private static double dot(float[] a, float[] b, int o, int n) {
        double s = 0;
        for (int j = o; j < o + n; j++) {
            s += (double) a[j] * b[j];
        }
        return s;
    }

    private static double dot(float[] a, int ao, double[] b) {
        double s = 0;
        for (int j = 0; j < b.length; j++) {
            s += a[ao + j] * b[j];
        }
        return s;
    }
}
