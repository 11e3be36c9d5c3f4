package dev.memscope.kernels;

import dev.memscope.kernels.KernelTolerances.Tolerance;
import dev.memscope.kernels.nd4j.Nd4jKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance bound: "reductions agree with float64 to rtol 1e-6 on [1, 4, 64, 64] standard normal
 * data". Oracle: {@link Nd4jKernels}' float64 entry points ({@code diffNorm64} ...), which compose ND4J float64
 * operations on the same float32 inputs and are compared before any rounding to float32. Cosines of independent
 * data sit near 0, where rtol alone means nothing, so they are held to {@code |x - ref| <= atol + rtol * |ref|}
 * with {@link KernelTolerances#COSINE}'s atol; a second, correlated pair ({@code eps_c = eps_u + 0.3 noise}, as in
 * a guided model) puts the cosines near 1, where the rtol is what binds.
 */
class ReductionAccuracyTest {

    private static final Shape SD_LATENT = new Shape(1, 4, 64, 64);
    private static final double ACCEPTANCE_RTOL = 1e-6;

    private static final Nd4jKernels ref = TestBackends.reference();

    static List<String> backends() {
        return TestBackends.underTest();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void reductionsAgreeWithFloat64ToRtol1e6OnStandardNormalData(String backend) {
        TensorF32 a = TensorF32.gaussian(SD_LATENT, 1);
        TensorF32 independent = TensorF32.gaussian(SD_LATENT, 2);
        TensorF32 correlated = a.copy();
        TensorF32 noise = TensorF32.gaussian(SD_LATENT, 3);
        for (int i = 0; i < correlated.data().length; i++) {
            correlated.data()[i] += 0.3f * noise.data()[i];
        }
        assertThat(KernelTolerances.REDUCTION.rtol()).isEqualTo(ACCEPTANCE_RTOL);
        assertThat(KernelTolerances.COSINE.rtol()).isEqualTo(ACCEPTANCE_RTOL);

        try (ScoreKernels k = Backends.create(backend)) {
            for (TensorF32 b : List.of(independent, correlated)) {
                String pair = backend + (b == independent ? " independent" : " correlated") + " [1, 4, 64, 64]";
                float[] out = new float[1];

                k.diffNorm(a, b, out);
                check(pair + " diffNorm", KernelTolerances.REDUCTION, ref.diffNorm64(a, b), out);
                k.mse(a, b, out);
                check(pair + " mse", KernelTolerances.REDUCTION, ref.mse64(a, b), out);
                k.pixelCosine(a, b, out);
                check(pair + " pixelCosine", KernelTolerances.COSINE, ref.pixelCosine64(a, b), out);
                k.globalCosine(a, b, out);
                check(pair + " globalCosine", KernelTolerances.COSINE, ref.globalCosine64(a, b), out);
                for (GuidanceVariant variant : GuidanceVariant.values()) {
                    // eps_c = b, eps_u = a
                    k.guidanceAlignment(b, a, variant, out);
                    check(pair + " guidanceAlignment " + variant, KernelTolerances.COSINE,
                            ref.guidanceAlignment64(b, a, variant), out);
                }
            }
        }
    }

    private static void check(String what, Tolerance tol, double[] expected, float[] actual) {
        OracleCheck.Stats s = OracleCheck.assertPerSample(what, tol, expected, actual);
        if (Boolean.getBoolean("memscope.report")) { // -Dmemscope.report=true prints the measured errors
            System.out.printf("%-70s ref %+.9e got %+.9e rel err %.2e%n", what, expected[0], actual[0], s.maxRelError());
        }
    }
}
