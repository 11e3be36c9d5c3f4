package dev.memscope.kernels;

import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each operation on inputs small enough to work out by hand (the expected values in the comments are the
 * oracle), on every backend including the nd4j reference, so that the reference itself is checked against the
 * definitions in {@link ScoreKernels} and not only against the other backends.
 */
class KernelDefinitionTest {

    /** Every expected value is exact in float32; TOL (times the value where it exceeds 1) allows a last-bit difference. */
    private static final float TOL = 1e-6f;

    static List<String> backends() {
        return TestBackends.all();
    }

    private static TensorF32 tensor(Shape shape, float... v) {
        return new TensorF32(shape, v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void normsAndMeanSquaredError(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            float[] out = new float[2];
            Shape s = new Shape(2, 2, 1, 1);
            // ||(3, 4)|| = 5 and ||(1, 1) - (1, 1)|| = 0
            k.diffNorm(tensor(s, 3, 4, 1, 1), tensor(s, 0, 0, 1, 1), out);
            assertThat(out).containsExactly(new float[] {5f, 0f}, within(8 * TOL));
            // (1 + 4 + 9 + 16) / 4 = 7.5 and (0.5^2 * 4) / 4 = 0.25
            Shape m = new Shape(2, 1, 2, 2);
            k.mse(tensor(m, 1, 2, 3, 4, 0.5f, -0.5f, 0.5f, -0.5f), tensor(m, 0, 0, 0, 0, 0, 0, 0, 0), out);
            assertThat(out).containsExactly(new float[] {7.5f, 0.25f}, within(8 * TOL));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void pixelCosineAveragesPerPixelCosinesWithClampedNorms(String backend) {
        // C = 2 channels, 3 pixels; channel-major: u = [c0 of px0..2, c1 of px0..2]
        // px0: (1, 0) vs (0, 1) -> 0; px1: (1, 0) vs (-2, 0) -> -1;
        // px2: (1e-9, 0) vs (1, 0) -> 1e-9 / (max(1e-9, 1e-8) * 1) = 0.1; mean (0 - 1 + 0.1) / 3 = -0.3
        Shape s = new Shape(1, 2, 1, 3);
        TensorF32 u = tensor(s, 1, 1, 1e-9f, 0, 0, 0);
        TensorF32 v = tensor(s, 0, -2, 1, 1, 0, 0);
        try (ScoreKernels k = Backends.create(backend)) {
            float[] out = new float[1];
            k.pixelCosine(u, v, out);
            assertThat(out[0]).isCloseTo(-0.3f, within(TOL));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void guidanceAlignmentVariants(String backend) {
        // two pixels, C = 2. px0: eps_u = (1, 0), eps_c = (1, 1), g = eps_c - eps_u = (0, 1)
        //   cos(eps_u, g) = 0, cos(eps_c, eps_u) = 1/sqrt2, cos(eps_c, g) = 1/sqrt2
        // px1: eps_u = (1, 0), eps_c = (3, 0), g = (2, 0): every cosine is 1
        Shape s = new Shape(1, 2, 1, 2);
        TensorF32 epsU = tensor(s, 1, 1, 0, 0);
        TensorF32 epsC = tensor(s, 1, 3, 1, 0);
        double r = 1 / Math.sqrt(2);
        try (ScoreKernels k = Backends.create(backend)) {
            float[] out = new float[1];
            k.guidanceAlignment(epsC, epsU, GuidanceVariant.UNCOND_VS_GUIDANCE, out);
            assertThat(out[0]).isCloseTo(0.5f, within(TOL));
            k.guidanceAlignment(epsC, epsU, GuidanceVariant.COND_VS_UNCOND, out);
            assertThat(out[0]).isCloseTo((float) ((r + 1) / 2), within(TOL));
            k.guidanceAlignment(epsC, epsU, GuidanceVariant.COND_VS_GUIDANCE, out);
            assertThat(out[0]).isCloseTo((float) ((r + 1) / 2), within(TOL));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void globalCosineTreatsASampleAsOneVector(String backend) {
        // (1, 2, 2) vs (2, 4, 4) -> 1; (1, 0, 0) vs (1, 1, 0) -> 1/sqrt2; (1e-9, 0, 0) vs (1, 0, 0) -> 0.1
        Shape s = new Shape(3, 3, 1, 1);
        TensorF32 u = tensor(s, 1, 2, 2, 1, 0, 0, 1e-9f, 0, 0);
        TensorF32 v = tensor(s, 2, 4, 4, 1, 1, 0, 1, 0, 0);
        try (ScoreKernels k = Backends.create(backend)) {
            float[] out = new float[3];
            k.globalCosine(u, v, out);
            assertThat(out[0]).isCloseTo(1f, within(TOL));
            assertThat(out[1]).isCloseTo((float) (1 / Math.sqrt(2)), within(TOL));
            assertThat(out[2]).isCloseTo(0.1f, within(TOL));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void guidanceUpdates(String backend) {
        Shape s = new Shape(2, 1, 1, 1);
        TensorF32 u = tensor(s, 1, 1);
        TensorF32 c = tensor(s, 3, 3);
        TensorF32 n = tensor(s, 0.5f, 0.5f);
        TensorF32 g = tensor(s, 2, 2);
        TensorF32 out = TensorF32.zeros(s);
        try (ScoreKernels k = Backends.create(backend)) {
            // 1 + 7.5 * (3 - 1) = 16 and 1 + 0 * 2 = 1
            k.cfg(u, c, new float[] {7.5f, 0f}, out);
            assertThat(out.data()).containsExactly(new float[] {16f, 1f}, within(16 * TOL));
            // sample 0: 1 + (7.5 - 1.5) * 2 + 2 * (1 - 0.5) + 0.5 * sqrt(1 - 0.75) * 2 = 1 + 12 + 1 + 0.5 = 14.5
            // sample 1: 1 + (7.5 - 7.5) * 2 + 0 + (-1) * 0.5 * 2 = 0
            k.amg(u, c, n, g, 7.5, new float[] {1.5f, 7.5f}, new float[] {2f, 0f}, new float[] {0.5f, -1f}, 0.75, out);
            assertThat(out.data()[0]).isCloseTo(14.5f, within(TOL * 14.5f));
            assertThat(out.data()[1]).isCloseTo(0f, within(TOL));
            // without the optional terms: 1 + 6 * 2 = 13 and 1
            k.amg(u, c, null, null, 7.5, new float[] {1.5f, 7.5f}, null, null, 0.75, out);
            assertThat(out.data()).containsExactly(new float[] {13f, 1f}, within(16 * TOL));
        }
    }
}
