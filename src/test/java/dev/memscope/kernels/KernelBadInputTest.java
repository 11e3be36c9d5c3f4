package dev.memscope.kernels;

import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input, on every available backend (the checks live in {@link CheckedKernels}, but each backend must carry a
 * NaN or infinity into its result for them to fire): non-finite values are rejected with a message naming the
 * tensor, sample and element unless {@link NonFinitePolicy#PROPAGATE} is chosen; shape, length and parameter
 * errors name what is wrong.
 */
class KernelBadInputTest {

    private static final Shape SHAPE = new Shape(4, 3, 5, 7);
    private static final Shape OTHER = new Shape(4, 3, 5, 8);
    /** The sample whose per-sample coefficients are 0 in {@link #OPS}: a backend must not skip a zero term. */
    private static final int ZERO_COEFFICIENT_SAMPLE = 2;

    /** An operation with named tensor inputs; {@code run} returns the per-sample result or the output tensor's data. */
    private record Op(String name, List<String> inputs, BiFunction<ScoreKernels, TensorF32[], float[]> run) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final float[] SCALE = {7.5f, 1f, 0f, -2f};
    private static final float[] S1 = {1f, 2f, 7.5f, 0f};
    private static final float[] S2 = {0.5f, 1f, 0f, 2f};
    private static final float[] C3 = {1f, -1f, 0f, 0.5f};

    private static final List<Op> OPS = List.of(
            perSample("diffNorm", List.of("a", "b"), (k, t, o) -> k.diffNorm(t[0], t[1], o)),
            perSample("pixelCosine", List.of("u", "v"), (k, t, o) -> k.pixelCosine(t[0], t[1], o)),
            perSample("guidanceAlignment uncond-guidance", List.of("eps_c", "eps_u"),
                    (k, t, o) -> k.guidanceAlignment(t[0], t[1], GuidanceVariant.UNCOND_VS_GUIDANCE, o)),
            perSample("guidanceAlignment cond-uncond", List.of("eps_c", "eps_u"),
                    (k, t, o) -> k.guidanceAlignment(t[0], t[1], GuidanceVariant.COND_VS_UNCOND, o)),
            perSample("guidanceAlignment cond-guidance", List.of("eps_c", "eps_u"),
                    (k, t, o) -> k.guidanceAlignment(t[0], t[1], GuidanceVariant.COND_VS_GUIDANCE, o)),
            perSample("globalCosine", List.of("u", "v"), (k, t, o) -> k.globalCosine(t[0], t[1], o)),
            perSample("mse", List.of("pred", "target"), (k, t, o) -> k.mse(t[0], t[1], o)),
            elementwise("cfg", List.of("eps_u", "eps_c"), (k, t, o) -> k.cfg(t[0], t[1], SCALE, o)),
            elementwise("amg", List.of("eps_u", "eps_c", "eps_n", "g"),
                    (k, t, o) -> k.amg(t[0], t[1], t[2], t[3], 7.5, S1, S2, C3, 0.5, o)),
            // abar_t = 1 makes the g term's coefficient c3 * sqrt(1 - abar_t) zero for every sample
            elementwise("amg at abar_t 1", List.of("eps_u", "eps_c", "eps_n", "g"),
                    (k, t, o) -> k.amg(t[0], t[1], t[2], t[3], 7.5, S1, S2, C3, 1.0, o)),
            elementwise("ddimStep", List.of("x_t", "eps"), (k, t, o) -> k.ddimStep(t[0], t[1], 0.4, 0.7, o)),
            elementwise("convert EPS_TO_X0", List.of("x_t", "in"),
                    (k, t, o) -> k.convert(Conversion.EPS_TO_X0, t[0], t[1], 0.3, o)),
            // at abar 1, eps-to-v multiplies x_t by -sqrt(1 - abar) / sqrt(abar) = -0
            elementwise("convert EPS_TO_V", List.of("x_t", "in"),
                    (k, t, o) -> k.convert(Conversion.EPS_TO_V, t[0], t[1], 1.0, o)));

    private interface PerSampleCall {
        void run(ScoreKernels k, TensorF32[] in, float[] out);
    }

    private interface ElementwiseCall {
        void run(ScoreKernels k, TensorF32[] in, TensorF32 out);
    }

    private static Op perSample(String name, List<String> inputs, PerSampleCall call) {
        return new Op(name, inputs, (k, t) -> {
            float[] out = new float[t[0].batch()];
            call.run(k, t, out);
            return out;
        });
    }

    private static Op elementwise(String name, List<String> inputs, ElementwiseCall call) {
        return new Op(name, inputs, (k, t) -> {
            TensorF32 out = TensorF32.zeros(t[0].shape());
            call.run(k, t, out);
            return out.data();
        });
    }

    private static TensorF32[] inputs(Op op, long seed) {
        TensorF32[] t = new TensorF32[op.inputs.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = TensorF32.gaussian(SHAPE, seed + i);
        }
        return t;
    }

    /** Where a bad value goes: inside a sample with zero coefficients, and the very last element (a loop tail). */
    private static final int[][] PLACES = {{ZERO_COEFFICIENT_SAMPLE, 1, 2, 3}, {3, 2, 4, 6}};

    static Stream<Arguments> badValues() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : TestBackends.all()) {
            for (Op op : OPS) {
                for (int input = 0; input < op.inputs.size(); input++) {
                    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                        for (int[] place : PLACES) {
                            cases.add(Arguments.of(backend, op, op.inputs.get(input), bad, place));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}: {2} = {3} at {4}")
    @MethodSource("badValues")
    void nonFiniteInputIsRejectedWithItsLocation(String backend, Op op, String tensor, float bad, int[] at) {
        TensorF32[] in = inputs(op, 1);
        in[op.inputs.indexOf(tensor)].set(at[0], at[1], at[2], at[3], bad);
        try (ScoreKernels k = Backends.create(backend, NonFinitePolicy.REJECT)) {
            assertThatThrownBy(() -> op.run.apply(k, in))
                    .isInstanceOf(NonFiniteException.class)
                    .hasMessageContaining(op.name.split(" ")[0])
                    .hasMessageContaining("tensor " + tensor + " ")
                    .hasMessageContaining(String.valueOf(bad))
                    .hasMessageContaining("sample " + at[0] + ",")
                    .hasMessageContaining("(c=" + at[1] + ", h=" + at[2] + ", w=" + at[3] + ")");
        }
    }

    static Stream<Arguments> propagateCases() {
        List<Arguments> cases = new ArrayList<>();
        for (String backend : TestBackends.all()) {
            for (Op op : OPS) {
                for (String tensor : op.inputs) {
                    cases.add(Arguments.of(backend, op, tensor));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}: NaN in {2}")
    @MethodSource("propagateCases")
    void propagatePolicyLetsNonFiniteValuesThroughToTheirSampleOnly(String backend, Op op, String tensor) {
        TensorF32[] in = inputs(op, 2);
        int[] at = PLACES[0];
        in[op.inputs.indexOf(tensor)].set(at[0], at[1], at[2], at[3], Float.NaN);
        try (ScoreKernels k = Backends.create(backend, NonFinitePolicy.PROPAGATE)) {
            float[] out = op.run.apply(k, in);
            int bad = out.length == SHAPE.batch() ? at[0]
                    : ((at[0] * SHAPE.channels() + at[1]) * SHAPE.height() + at[2]) * SHAPE.width() + at[3];
            for (int i = 0; i < out.length; i++) {
                if (i == bad) {
                    assertThat(out[i]).as("result at %d", i).isNaN();
                } else {
                    assertThat(Float.isFinite(out[i])).as("result at %d is %s", i, out[i]).isTrue();
                }
            }
        }
    }

    static List<String> backends() {
        return TestBackends.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shapeMismatchNamesBothTensorsAndShapes(String backend) {
        TensorF32 a = TensorF32.zeros(SHAPE);
        TensorF32 b = TensorF32.zeros(OTHER);
        TensorF32 fewer = TensorF32.zeros(SHAPE.withBatch(3));
        try (ScoreKernels k = Backends.create(backend)) {
            assertThatThrownBy(() -> k.diffNorm(a, b, new float[4])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("diffNorm").hasMessageContaining("a is [4, 3, 5, 7]")
                    .hasMessageContaining("b is [4, 3, 5, 8]");
            assertThatThrownBy(() -> k.guidanceAlignment(a, fewer, new float[4]))
                    .hasMessageContaining("eps_c is [4, 3, 5, 7]").hasMessageContaining("eps_u is [3, 3, 5, 7]");
            assertThatThrownBy(() -> k.cfg(a, a, SCALE, TensorF32.zeros(OTHER)))
                    .hasMessageContaining("eps_u is [4, 3, 5, 7]").hasMessageContaining("out is [4, 3, 5, 8]");
            assertThatThrownBy(() -> k.amg(a, a, a, b, 7.5, S1, S2, C3, 0.5, TensorF32.zeros(SHAPE)))
                    .hasMessageContaining("g is [4, 3, 5, 8]");
            assertThatThrownBy(() -> k.ddimStep(a, b, 0.5, 0.7, TensorF32.zeros(SHAPE)))
                    .hasMessageContaining("x_t is [4, 3, 5, 7]").hasMessageContaining("eps is [4, 3, 5, 8]");
            assertThatThrownBy(() -> k.convert(Conversion.V_TO_X0, a, a, 0.5, TensorF32.zeros(OTHER)))
                    .hasMessageContaining("out is [4, 3, 5, 8]");
        }
    }

    @Test
    void anEmptyBatchIsAnError() {
        assertThatThrownBy(() -> new Shape(0, 4, 64, 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 4, 64, 64]").hasMessageContaining("empty batch");
        assertThatThrownBy(() -> TensorF32.zeros(0, 4, 8, 8)).hasMessageContaining("empty batch");
        assertThatThrownBy(() -> Shape.of(1, 0, 8, 8)).hasMessageContaining("[1, 0, 8, 8]");
        assertThatThrownBy(() -> TensorF32.zeros(SHAPE).slice(2, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void outputAndParameterArraysMustHaveOneValuePerSample(String backend) {
        TensorF32 a = TensorF32.zeros(SHAPE);
        try (ScoreKernels k = Backends.create(backend)) {
            assertThatThrownBy(() -> k.diffNorm(a, a, new float[3])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("out has length 3").hasMessageContaining("[4, 3, 5, 7] has 4 samples");
            assertThatThrownBy(() -> k.pixelCosine(a, a, new float[5])).hasMessageContaining("length 5");
            assertThatThrownBy(() -> k.mse(a, a, null)).hasMessageContaining("out is null");
            assertThatThrownBy(() -> k.cfg(a, a, new float[] {1, 2}, TensorF32.zeros(SHAPE)))
                    .hasMessageContaining("scale has length 2");
            assertThatThrownBy(() -> k.amg(a, a, a, null, 7.5, S1, null, null, 0.5, TensorF32.zeros(SHAPE)))
                    .hasMessageContaining("s2 is null");
            assertThatThrownBy(() -> k.amg(a, a, null, a, 7.5, S1, null, new float[1], 0.5, TensorF32.zeros(SHAPE)))
                    .hasMessageContaining("c3 has length 1");
            assertThatThrownBy(() -> k.diffNorm(null, a, new float[4])).hasMessageContaining("tensor a is null");
            assertThatThrownBy(() -> k.guidanceAlignment(a, a, null, new float[4]))
                    .hasMessageContaining("variant is null");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nonFiniteParametersAreRejectedByName(String backend) {
        TensorF32 a = TensorF32.gaussian(SHAPE, 3);
        TensorF32 out = TensorF32.zeros(SHAPE);
        try (ScoreKernels k = Backends.create(backend, NonFinitePolicy.PROPAGATE)) {
            // parameters are never allowed to be non-finite, whatever the policy for tensor data
            assertThatThrownBy(() -> k.cfg(a, a, new float[] {1, Float.NaN, 1, 1}, out))
                    .isInstanceOf(NonFiniteException.class).hasMessageContaining("scale[1] is NaN");
            assertThatThrownBy(() -> k.amg(a, a, null, null, Double.POSITIVE_INFINITY, S1, null, null, 1, out))
                    .isInstanceOf(NonFiniteException.class).hasMessageContaining("s0 is Infinity");
            assertThatThrownBy(() -> k.amg(a, a, null, null, 7.5, new float[] {1, 1, 1, Float.NEGATIVE_INFINITY},
                    null, null, 1, out)).hasMessageContaining("s1[3] is -Infinity");
            assertThatThrownBy(() -> k.amg(a, a, a, null, 7.5, S1, new float[] {Float.NaN, 0, 0, 0}, null, 1, out))
                    .hasMessageContaining("s2[0] is NaN");
            assertThatThrownBy(() -> k.amg(a, a, null, a, 7.5, S1, null, new float[] {0, 0, Float.NaN, 0}, 0.5, out))
                    .hasMessageContaining("c3[2] is NaN");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void noiseLevelsOutOfRangeAreRejected(String backend) {
        TensorF32 a = TensorF32.gaussian(SHAPE, 4);
        TensorF32 out = TensorF32.zeros(SHAPE);
        try (ScoreKernels k = Backends.create(backend)) {
            for (double abarT : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
                assertThatThrownBy(() -> k.ddimStep(a, a, abarT, 0.9, out)).as("abar_t %s", abarT)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("abar_t must be in (0, 1)").hasMessageContaining(String.valueOf(abarT));
            }
            for (double abarPrev : new double[] {0, 1.01, Double.NaN}) {
                assertThatThrownBy(() -> k.ddimStep(a, a, 0.5, abarPrev, out))
                        .hasMessageContaining("abar_prev must be in (0, 1]");
            }
            assertThatCode(() -> k.ddimStep(a, a, 0.5, 1, out)).doesNotThrowAnyException();
            assertThatThrownBy(() -> k.convert(Conversion.X0_TO_EPS, a, a, 1, out))
                    .hasMessageContaining("X0_TO_EPS").hasMessageContaining("abar must be in (0, 1)");
            assertThatThrownBy(() -> k.convert(Conversion.EPS_TO_X0, a, a, 0, out))
                    .hasMessageContaining("abar must be in (0, 1]");
            assertThatThrownBy(() -> k.amg(a, a, null, a, 7.5, S1, null, C3, 0, out))
                    .hasMessageContaining("abar_t must be in (0, 1]");
            assertThatThrownBy(() -> k.convert(null, a, a, 0.5, out)).hasMessageContaining("conversion is null");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void float32OverflowOfFiniteInputsIsReportedAsSuch(String backend) {
        TensorF32 big = TensorF32.zeros(SHAPE);
        Arrays.fill(big.data(), 3e38f);
        TensorF32 small = TensorF32.zeros(SHAPE);
        Arrays.fill(small.data(), 1e38f);
        TensorF32 neg = TensorF32.zeros(SHAPE);
        Arrays.fill(neg.data(), -3e38f);
        try (ScoreKernels k = Backends.create(backend)) {
            // 1e38 + 1 * (3e38 - 1e38) fits in float32; 1e38 + 2 * (3e38 - 1e38) does not
            assertThatThrownBy(() -> k.cfg(small, big, new float[] {1, 1, 2, 1}, TensorF32.zeros(SHAPE)))
                    .isInstanceOf(NonFiniteException.class)
                    .hasMessageContaining("cfg: the result for sample 2 overflows float32 although every input is finite");
            assertThatThrownBy(() -> k.diffNorm(big, neg, new float[4]))
                    .isInstanceOf(NonFiniteException.class).hasMessageContaining("overflows float32");
        }
    }

    /**
     * When the output is one of the inputs, the input has been overwritten by the time a NaN is found; the
     * message must still name the tensor the NaN came from, not the aliased output.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aNonFiniteInputIsNamedCorrectlyWhenTheOutputOverwritesAnotherInput(String backend) {
        TensorF32 epsU = TensorF32.gaussian(SHAPE, 5);
        TensorF32 epsC = TensorF32.gaussian(SHAPE, 6);
        epsC.set(1, 2, 3, 4, Float.NaN);
        try (ScoreKernels k = Backends.create(backend)) {
            assertThatThrownBy(() -> k.cfg(epsU, epsC, SCALE, epsU)).isInstanceOf(NonFiniteException.class)
                    .hasMessageContaining("tensor eps_c ").hasMessageContaining("sample 1, element (c=2, h=3, w=4)");
            // a NaN in the overwritten input itself can only be reported with that caveat
            TensorF32 clean = TensorF32.gaussian(SHAPE, 7);
            TensorF32 x = TensorF32.gaussian(SHAPE, 8);
            x.set(3, 0, 0, 1, Float.NaN);
            assertThatThrownBy(() -> k.ddimStep(x, clean, 0.5, 0.8, x)).isInstanceOf(NonFiniteException.class)
                    .hasMessageContaining("tensor x_t ").hasMessageContaining("sample 3, element (c=0, h=0, w=1)")
                    .hasMessageContaining("also the output");
        }
    }
}
