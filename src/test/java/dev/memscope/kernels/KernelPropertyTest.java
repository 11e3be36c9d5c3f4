package dev.memscope.kernels;

import dev.memscope.kernels.nd4j.Nd4jKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.memscope.kernels.KernelTolerances.COSINE;
import static dev.memscope.kernels.KernelTolerances.ELEMENTWISE;
import static dev.memscope.kernels.KernelTolerances.REDUCTION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every available backend against the ND4J float64 reference ({@link Nd4jKernels}, the oracle) on seeded random
 * batches from {@link RandomBatches}: the edge shapes plus random ones, magnitudes from 1e-20 to 1e+18 mixed
 * across samples, all-zero samples. Tolerances come from {@link KernelTolerances}; a failure names the backend,
 * case, seed, shape and worst element.
 */
class KernelPropertyTest {

    /** Random shapes per operation and backend, on top of the edge shapes. */
    private static final int RANDOM_CASES = 6;

    /** The oracle; it holds no native state of its own, so one instance serves every test. */
    private static final Nd4jKernels ref = TestBackends.reference();

    static List<String> backends() {
        return TestBackends.underTest();
    }

    @Test
    void everyExpectedBackendIsRegistered() {
        assertThat(TestBackends.all()).contains("scalar", "cpu", "nd4j");
        assertThat(Backends.providers()).filteredOn(p -> p.name().equals("nd4j")).singleElement()
                .satisfies(p -> assertThat(p.order()).isEqualTo(30));
    }

    /** One random case: its inputs are generated from {@code seed} alone, so a failure can be replayed. */
    private interface Case {
        void run(String label, int index, Shape shape, RandomBatches rnd);
    }

    private static void forEachCase(String backend, String op, long seed, Case c) {
        List<Shape> shapes = new RandomBatches(seed).shapes(RANDOM_CASES);
        for (int i = 0; i < shapes.size(); i++) {
            long caseSeed = seed * 1000 + i;
            Shape shape = shapes.get(i);
            c.run(backend + " " + op + " case " + i + " (seed " + caseSeed + ", shape " + shape + ")", i, shape,
                    new RandomBatches(caseSeed));
        }
    }

    /** Two correlated inputs; per sample the second shares the first's scale or has its own. */
    private record Pair(TensorF32 x, TensorF32 y) {
        static Pair of(Shape shape, RandomBatches rnd) {
            double[] sx = rnd.sampleScales(shape.batch());
            double[] sy = rnd.sampleScales(shape.batch());
            for (int b = 0; b < sy.length; b++) {
                if (b == 0 || rnd.random().nextBoolean()) {
                    sy[b] = sx[b];
                }
            }
            TensorF32 x = rnd.gaussian(shape, sx);
            return new Pair(x, rnd.correlated(x, sx, sy));
        }
    }

    // ---- reductions -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void diffNormMatchesReference(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkDiffNorm(k);
        }
    }

    static void checkDiffNorm(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "diffNorm", 11, (label, index, shape, rnd) -> {
            Pair p = Pair.of(shape, rnd);
            float[] out = new float[shape.batch()];
            k.diffNorm(p.x, p.y, out);
            OracleCheck.assertPerSample(label, REDUCTION, ref.diffNorm64(p.x, p.y), out);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void mseMatchesReference(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkMse(k);
        }
    }

    static void checkMse(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "mse", 12, (label, index, shape, rnd) -> {
            Pair p = Pair.of(shape, rnd);
            float[] out = new float[shape.batch()];
            k.mse(p.x, p.y, out);
            OracleCheck.assertPerSample(label, REDUCTION, ref.mse64(p.x, p.y), out);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void pixelCosineMatchesReference(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkPixelCosine(k);
        }
    }

    static void checkPixelCosine(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "pixelCosine", 13, (label, index, shape, rnd) -> {
            Pair p = Pair.of(shape, rnd);
            float[] out = new float[shape.batch()];
            k.pixelCosine(p.x, p.y, out);
            OracleCheck.assertPerSample(label, COSINE, ref.pixelCosine64(p.x, p.y), out);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void guidanceAlignmentMatchesReferenceForEveryVariant(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkGuidanceAlignment(k);
        }
    }

    static void checkGuidanceAlignment(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "guidanceAlignment", 14, (label, index, shape, rnd) -> {
            double[] scale = rnd.sampleScales(shape.batch());
            TensorF32 epsU = rnd.gaussian(shape, scale);
            // half the cases a realistic small guidance (eps_c - eps_u cancels), half unrelated predictions
            TensorF32 epsC = rnd.random().nextBoolean() ? rnd.nearby(epsU, scale)
                    : rnd.correlated(epsU, scale, rnd.sampleScales(shape.batch()));
            for (GuidanceVariant variant : GuidanceVariant.values()) {
                float[] out = new float[shape.batch()];
                k.guidanceAlignment(epsC, epsU, variant, out);
                OracleCheck.assertPerSample(label + " " + variant, COSINE,
                        ref.guidanceAlignment64(epsC, epsU, variant), out);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void globalCosineMatchesReference(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkGlobalCosine(k);
        }
    }

    static void checkGlobalCosine(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "globalCosine", 15, (label, index, shape, rnd) -> {
            Pair p = Pair.of(shape, rnd);
            float[] out = new float[shape.batch()];
            k.globalCosine(p.x, p.y, out);
            OracleCheck.assertPerSample(label, COSINE, ref.globalCosine64(p.x, p.y), out);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void allZeroSamplesGiveZeroNormsAndCosines(String backend) {
        Shape shape = new Shape(3, 4, 7, 9);
        TensorF32 zero = TensorF32.zeros(shape);
        TensorF32 other = new RandomBatches(16).gaussian(shape, new double[] {1, 1e-20, 1e18});
        try (ScoreKernels k = Backends.create(backend)) {
            float[] out = new float[3];
            k.diffNorm(zero, zero, out);
            assertThat(out).containsOnly(0f);
            k.mse(zero, zero, out);
            assertThat(out).containsOnly(0f);
            for (TensorF32 v : List.of(zero, other)) {
                k.pixelCosine(zero, v, out);
                assertThat(out).containsOnly(0f);
                k.globalCosine(v, zero, out);
                assertThat(out).containsOnly(0f);
                for (GuidanceVariant a : GuidanceVariant.values()) {
                    k.guidanceAlignment(zero, zero, a, out);
                    assertThat(out).as("%s", a).containsOnly(0f);
                }
            }
        }
    }

    // ---- elementwise ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void cfgMatchesReference(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkCfg(k);
        }
    }

    static void checkCfg(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "cfg", 21, (label, index, shape, rnd) -> {
            double[] scale = rnd.sampleScales(shape.batch());
            TensorF32 epsU = rnd.gaussian(shape, scale);
            TensorF32 epsC = rnd.nearby(epsU, scale);
            float[] s = rnd.params(shape.batch(), -2, 20);
            TensorF32 out = TensorF32.zeros(shape);
            k.cfg(epsU, epsC, s, out);
            OracleCheck.assertElementwise(label, ELEMENTWISE, shape, ref.cfg64(epsU, epsC, s), out.data(),
                    Terms.cfg(epsU, epsC, s));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void amgMatchesReferenceWithAndWithoutOptionalTerms(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkAmg(k);
        }
    }

    static void checkAmg(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "amg", 22, (label, index, shape, rnd) -> {
            double[] scale = rnd.sampleScales(shape.batch());
            TensorF32 epsU = rnd.gaussian(shape, scale);
            TensorF32 epsC = rnd.nearby(epsU, scale);
            TensorF32 epsN = rnd.nearby(epsU, scale);
            TensorF32 g = rnd.gaussian(shape, rnd.sampleScales(shape.batch()));
            double s0 = 7.5;
            float[] s1 = rnd.params(shape.batch(), 0, 10);
            float[] s2 = rnd.params(shape.batch(), -1, 3);
            float[] c3 = rnd.params(shape.batch(), -2, 2);
            double abarT = rnd.random().nextBoolean() ? 1 : 0.001 + 0.998 * rnd.random().nextDouble();
            // two of the four term combinations per case, so that each meets every kind of shape
            for (int terms : new int[] {index % 4, (index + 2) % 4}) {
                TensorF32 n = (terms & 1) != 0 ? epsN : null;
                TensorF32 gg = (terms & 2) != 0 ? g : null;
                TensorF32 out = TensorF32.zeros(shape);
                k.amg(epsU, epsC, n, gg, s0, s1, s2, c3, abarT, out);
                OracleCheck.assertElementwise(label + (n == null ? "" : " +eps_n") + (gg == null ? "" : " +g"),
                        ELEMENTWISE, shape, ref.amg64(epsU, epsC, n, gg, s0, s1, s2, c3, abarT), out.data(),
                        Terms.amg(epsU, epsC, n, gg, s0, s1, s2, c3, abarT));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void ddimStepMatchesReference(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkDdimStep(k);
        }
    }

    static void checkDdimStep(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "ddimStep", 23, (label, index, shape, rnd) -> {
            Pair p = Pair.of(shape, rnd);
            double abarT = 0.001 + 0.998 * rnd.random().nextDouble();
            double abarPrev = rnd.random().nextBoolean() ? 1 : abarT + (1 - abarT) * rnd.random().nextDouble();
            TensorF32 out = TensorF32.zeros(shape);
            TensorF32 expected = TensorF32.zeros(shape);
            k.ddimStep(p.x, p.y, abarT, abarPrev, out);
            ref.ddimStep(p.x, p.y, abarT, abarPrev, expected);
            double[] ab = Terms.ddimCoefficients(abarT, abarPrev);
            OracleCheck.assertElementwise(label + " abar " + abarT + " -> " + abarPrev, ELEMENTWISE, shape,
                    Terms.widen(expected.data()), out.data(), Terms.linear(p.x, p.y, ab[0], ab[1]));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyConversionMatchesReference(String backend) {
        try (ScoreKernels k = Backends.create(backend)) {
            checkConversions(k);
        }
    }

    static void checkConversions(ScoreKernels k) {
        String backend = k.name();
        forEachCase(backend, "convert", 24, (label, index, shape, rnd) -> {
            Pair p = Pair.of(shape, rnd);
            Conversion[] all = Conversion.values();
            // two of the five conversions per case, each one in two cases of five
            for (Conversion conversion : new Conversion[] {all[index % 5], all[(index + 2) % 5]}) {
                double abar = conversion != Conversion.X0_TO_EPS && rnd.random().nextInt(4) == 0 ? 1
                        : 0.001 + 0.998 * rnd.random().nextDouble();
                TensorF32 out = TensorF32.zeros(shape);
                TensorF32 expected = TensorF32.zeros(shape);
                k.convert(conversion, p.x, p.y, abar, out);
                ref.convert(conversion, p.x, p.y, abar, expected);
                double[] ab = conversion.coefficients(abar);
                OracleCheck.assertElementwise(label + " " + conversion + " abar " + abar, ELEMENTWISE, shape,
                        Terms.widen(expected.data()), out.data(), Terms.linear(p.x, p.y, ab[0], ab[1]));
            }
        });
    }

    /** Elementwise results may be written over an input (the sampler updates in place). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void elementwiseResultsMayOverwriteAnInput(String backend) {
        RandomBatches rnd = new RandomBatches(25);
        Shape shape = new Shape(5, 4, 17, 19);
        double[] scale = rnd.sampleScales(5);
        TensorF32 epsU = rnd.gaussian(shape, scale);
        TensorF32 epsC = rnd.nearby(epsU, scale);
        float[] s = rnd.params(5, 1, 10);
        try (ScoreKernels k = Backends.create(backend)) {
            double[] cfg = ref.cfg64(epsU, epsC, s);
            double[] terms = Terms.cfg(epsU, epsC, s);
            TensorF32 inPlace = epsC.copy();
            k.cfg(epsU, inPlace, s, inPlace);
            OracleCheck.assertElementwise(backend + " cfg into eps_c", ELEMENTWISE, shape, cfg, inPlace.data(), terms);
            inPlace = epsU.copy();
            k.cfg(inPlace, epsC, s, inPlace);
            OracleCheck.assertElementwise(backend + " cfg into eps_u", ELEMENTWISE, shape, cfg, inPlace.data(), terms);

            double[] amg = ref.amg64(epsU, epsC, epsC, epsU, 7.5, s, s, s, 0.5);
            double[] amgTerms = Terms.amg(epsU, epsC, epsC, epsU, 7.5, s, s, s, 0.5);
            inPlace = epsU.copy();
            k.amg(inPlace, epsC, epsC, inPlace, 7.5, s, s, s, 0.5, inPlace);
            OracleCheck.assertElementwise(backend + " amg into eps_u and g", ELEMENTWISE, shape, amg, inPlace.data(),
                    amgTerms);

            TensorF32 expected = TensorF32.zeros(shape);
            ref.ddimStep(epsU, epsC, 0.3, 0.6, expected);
            double[] ab = Terms.ddimCoefficients(0.3, 0.6);
            inPlace = epsU.copy();
            k.ddimStep(inPlace, epsC, 0.3, 0.6, inPlace);
            OracleCheck.assertElementwise(backend + " ddimStep into x_t", ELEMENTWISE, shape,
                    Terms.widen(expected.data()), inPlace.data(), Terms.linear(epsU, epsC, ab[0], ab[1]));
        }
    }
}
