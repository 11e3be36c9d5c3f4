package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.Conversion;
import dev.memscope.kernels.NonFiniteException;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.scalar.ScalarKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA backend against {@link ScalarKernels} (the readable float64-accumulating definition) on shapes chosen
 * to hit every code path of the kernels: sample sizes not divisible by 4 (per-sample offsets that break 16-byte
 * alignment: scalar head and tail around the float4 body), pixel counts not divisible by 4 (scalar pixel-cosine
 * path), samples shorter than a quad, batches larger than one block's work, and magnitudes from 1e-20 to 1e18.
 * Skipped, with the reason, where no CUDA driver and device are present.
 */
@ExtendWith(RequiresCuda.class)
class CudaKernelsTest {

    private static CudaKernels cuda;
    private static final ScoreKernels REF = new ScalarKernels(NonFinitePolicy.PROPAGATE);

    @BeforeAll
    static void open() {
        cuda = new CudaKernels(NonFinitePolicy.REJECT);
    }

    @AfterAll
    static void close() {
        if (cuda != null) {
            cuda.close();
        }
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new Shape(2, 4, 64, 64), 1.0),      // the production shape: all float4 paths
                Arguments.of(new Shape(3, 3, 5, 7), 1.0),        // n = 105, P = 35: misaligned samples, scalar pixels
                Arguments.of(new Shape(5, 1, 1, 3), 1.0),        // samples shorter than one quad
                Arguments.of(new Shape(4, 5, 6, 6), 1.0),        // P = 36 (float4), n = 180
                Arguments.of(new Shape(7, 3, 17, 19), 1.0),      // odd everything
                Arguments.of(new Shape(300, 4, 8, 8), 1.0),      // many samples, few chunks each
                Arguments.of(new Shape(1, 4, 257, 255), 1.0),    // one long sample split into many chunks
                Arguments.of(new Shape(3, 4, 16, 16), 1e-20),    // squares underflow float
                Arguments.of(new Shape(3, 4, 64, 64), 1e18),     // sums of squares overflow float
                Arguments.of(new Shape(3, 3, 5, 7), 1e18));
    }

    /** Elementwise results at 1e18 overflow float in every backend alike; the reductions cover the extremes. */
    static Stream<Arguments> elementwiseShapes() {
        return shapes().filter(a -> (double) a.get()[1] <= 1);
    }

    private static TensorF32 random(Shape shape, long seed, double scale) {
        TensorF32 t = TensorF32.gaussian(shape, seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (d[i] * scale);
        }
        return t;
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("shapes")
    void reductionsMatchTheScalarDefinition(Shape shape, double scale) {
        TensorF32 a = random(shape, 11, scale);
        TensorF32 b = random(shape, 12, scale);
        // a partly correlated pair, so cosines are not all near zero
        for (int i = 0; i < a.data().length; i += 3) {
            b.data()[i] = a.data()[i];
        }
        int n = shape.batch();
        float[] got = new float[n];
        float[] want = new float[n];

        cuda.diffNorm(a, b, got);
        REF.diffNorm(a, b, want);
        assertClose("diffNorm", shape, got, want);

        cuda.mse(a, b, got);
        REF.mse(a, b, want);
        assertClose("mse", shape, got, want);

        cuda.pixelCosine(a, b, got);
        REF.pixelCosine(a, b, want);
        assertClose("pixelCosine", shape, got, want);

        for (GuidanceVariant variant : GuidanceVariant.values()) {
            cuda.guidanceAlignment(a, b, variant, got);
            REF.guidanceAlignment(a, b, variant, want);
            assertClose("guidanceAlignment " + variant, shape, got, want);
        }

        cuda.globalCosine(a, b, got);
        REF.globalCosine(a, b, want);
        assertClose("globalCosine", shape, got, want);
    }

    /**
     * Elementwise operations use explicitly rounded float operations in ScalarKernels' order (no FMA
     * contraction), so they are bit-identical, not merely close: any difference is a kernel bug.
     */
    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("elementwiseShapes")
    void elementwiseOperationsAreBitIdenticalToTheScalarDefinition(Shape shape, double scale) {
        TensorF32 u = random(shape, 21, scale);
        TensorF32 c = random(shape, 22, scale);
        TensorF32 nn = random(shape, 23, scale);
        TensorF32 g = random(shape, 24, scale);
        Random rnd = new Random(5);
        float[] s1 = new float[shape.batch()];
        float[] s2 = new float[shape.batch()];
        float[] c3 = new float[shape.batch()];
        for (int i = 0; i < s1.length; i++) {
            s1[i] = rnd.nextFloat() * 3;
            s2[i] = rnd.nextFloat();
            c3[i] = rnd.nextFloat() * 2;
        }
        TensorF32 got = TensorF32.zeros(shape);
        TensorF32 want = TensorF32.zeros(shape);

        cuda.cfg(u, c, s1, got);
        REF.cfg(u, c, s1, want);
        assertThat(got.data()).as("cfg %s", shape).isEqualTo(want.data());

        for (int terms = 0; terms < 4; terms++) {
            TensorF32 n = (terms & 1) != 0 ? nn : null;
            TensorF32 gg = (terms & 2) != 0 ? g : null;
            cuda.amg(u, c, n, gg, 7.5, s1, s2, c3, 0.3, got);
            REF.amg(u, c, n, gg, 7.5, s1, s2, c3, 0.3, want);
            assertThat(got.data()).as("amg %s with eps_n %s, g %s", shape, n != null, gg != null)
                    .isEqualTo(want.data());
        }

        cuda.ddimStep(u, c, 0.4, 0.6, got);
        REF.ddimStep(u, c, 0.4, 0.6, want);
        assertThat(got.data()).as("ddimStep %s", shape).isEqualTo(want.data());

        for (Conversion conv : Conversion.values()) {
            cuda.convert(conv, u, c, 0.7, got);
            REF.convert(conv, u, c, 0.7, want);
            assertThat(got.data()).as("convert %s %s", conv, shape).isEqualTo(want.data());
        }
    }

    @Test
    void theOutputMayAliasAnInput() {
        Shape shape = new Shape(3, 3, 5, 7);
        TensorF32 u = random(shape, 31, 1);
        TensorF32 c = random(shape, 32, 1);
        float[] scale = {1f, 7.5f, -2f};
        TensorF32 want = TensorF32.zeros(shape);
        REF.cfg(u, c, scale, want);
        cuda.cfg(u, c, scale, u);
        assertThat(u.data()).isEqualTo(want.data());
    }

    @Test
    void tensorsLargerThanOneStagingHalfRoundTrip() {
        // 2.2 M floats: three pieces through the 8 MiB pinned halves in each direction
        Shape shape = new Shape(34, 4, 128, 128);
        TensorF32 x = random(shape, 41, 1);
        TensorF32 y = random(shape, 42, 1);
        TensorF32 got = TensorF32.zeros(shape);
        TensorF32 want = TensorF32.zeros(shape);
        cuda.ddimStep(x, y, 0.5, 0.9, got);
        REF.ddimStep(x, y, 0.5, 0.9, want);
        assertThat(got.data()).isEqualTo(want.data());
        float[] g = new float[shape.batch()];
        float[] w = new float[shape.batch()];
        cuda.diffNorm(x, y, g);
        REF.diffNorm(x, y, w);
        assertClose("diffNorm", shape, g, w);
    }

    @Test
    void reductionsAreDeterministic() {
        Shape shape = new Shape(16, 4, 64, 64);
        TensorF32 a = random(shape, 51, 1);
        TensorF32 b = random(shape, 52, 1);
        float[] first = new float[16];
        float[] again = new float[16];
        cuda.guidanceAlignment(a, b, first);
        for (int i = 0; i < 5; i++) {
            cuda.guidanceAlignment(a, b, again);
            assertThat(again).isEqualTo(first);
        }
    }

    @Test
    void aNaNInputIsNamedNotPassedOn() {
        Shape shape = new Shape(2, 4, 8, 8);
        TensorF32 u = random(shape, 61, 1);
        TensorF32 c = random(shape, 62, 1);
        c.set(1, 2, 3, 4, Float.NaN);
        assertThatThrownBy(() -> cuda.cfg(u, c, new float[] {2f, 2f}, TensorF32.zeros(shape)))
                .isInstanceOf(NonFiniteException.class)
                .hasMessageContaining("eps_c").hasMessageContaining("sample 1, element (c=2, h=3, w=4)");
        assertThatThrownBy(() -> cuda.diffNorm(u, c, new float[2]))
                .isInstanceOf(NonFiniteException.class)
                .hasMessageContaining("input tensor b ").hasMessageContaining("sample 1");
    }

    @Test
    void deviceResidentResultsEqualTheHostPath() {
        Shape shape = new Shape(8, 4, 64, 64);
        TensorF32 a = random(shape, 71, 1);
        TensorF32 b = random(shape, 72, 1);
        float[] host = new float[8];
        cuda.guidanceAlignment(a, b, GuidanceVariant.UNCOND_VS_GUIDANCE, host);
        ResidentKernels r = cuda.resident();
        try (DeviceTensor da = r.upload(a); DeviceTensor db = r.upload(b);
             DeviceVector out = r.allocateVector(8); DeviceTensor sum = r.allocate(shape)) {
            r.guidanceAlignment(da, db, GuidanceVariant.UNCOND_VS_GUIDANCE, out);
            r.synchronize();
            assertThat(r.download(out)).isEqualTo(host);

            r.linear(da, db, 1.0, 1.0, sum);
            TensorF32 back = TensorF32.zeros(shape);
            r.download(sum, back);
            for (int i = 0; i < back.data().length; i++) {
                assertThat(back.data()[i]).isEqualTo(a.data()[i] + b.data()[i]);
            }
        }
        assertThatThrownBy(() -> r.diffNorm(r.allocate(shape), r.allocate(shape.withBatch(2)), r.allocateVector(8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape mismatch");
    }

    /** |got - want| <= rtol |want| + atol per sample; reports the largest error in float ulps. */
    private static void assertClose(String op, Shape shape, float[] got, float[] want) {
        double worstUlps = 0;
        for (int b = 0; b < want.length; b++) {
            double err = Math.abs((double) got[b] - want[b]);
            worstUlps = Math.max(worstUlps, err / Math.ulp(want[b]));
            double tol = CudaTolerances.REDUCTION_RTOL * Math.abs(want[b]) + CudaTolerances.REDUCTION_ATOL;
            double ulps = worstUlps;
            assertThat(err).as("%s on %s, sample %d: cuda %s vs scalar %s (worst %.1f ulp so far)", op, shape, b,
                    got[b], want[b], ulps).isLessThanOrEqualTo(tol);
        }
    }
}
