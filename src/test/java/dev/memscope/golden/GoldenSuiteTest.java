package dev.memscope.golden;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Conversion;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.OpArgs;
import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every available backend against every golden case. Oracle: golden-outputs/, made by scripts/golden/generate.py
 * (NumPy, float64, math.fsum) from the formulas in ScoreKernels; tolerances are the manifest's, whose rules the
 * generator documents and {@link #tolerancesFollowTheDocumentedRules} pins.
 */
class GoldenSuiteTest {
    private static GoldenManifest manifest;
    private static final Map<String, ScoreKernels> OPEN = new LinkedHashMap<>();
    private static final GoldenRunner RUNNER = new GoldenRunner();

    @BeforeAll
    static void load() throws IOException {
        manifest = GoldenManifest.load(GoldenFixtures.goldenDir());
    }

    @AfterAll
    static void closeBackends() {
        OPEN.values().forEach(ScoreKernels::close);
        OPEN.clear();
    }

    private static ScoreKernels backend(String name) {
        return OPEN.computeIfAbsent(name, Backends::create);
    }

    @TestFactory
    Stream<DynamicContainer> everyBackendMatchesEveryGoldenCase() {
        List<String> names = Backends.availableNames();
        assertThat(names).as("backends available here").contains("scalar", "cpu");
        return names.stream().map(b -> DynamicContainer.dynamicContainer(b, manifest.cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    Comparison r = RUNNER.run(c, backend(b));
                    assertThat(r.passed()).as("%s on %s: %s", c.name(), b, r.describe()).isTrue();
                }))));
    }

    @Test
    void goldensCoverEveryOpVariantAndConversion() {
        Set<KernelOp> ops = manifest.cases().stream().map(GoldenCase::op).collect(Collectors.toSet());
        assertThat(ops).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(KernelOp.class));
        Set<GuidanceVariant> variants = manifest.cases().stream().filter(c -> c.op() == KernelOp.GUIDANCE_ALIGNMENT)
                .map(c -> GuidanceVariant.parse(c.params().get("variant"))).collect(Collectors.toSet());
        assertThat(variants).containsExactlyInAnyOrder(GuidanceVariant.values());
        Set<Conversion> conversions = manifest.cases().stream().filter(c -> c.op() == KernelOp.CONVERT)
                .map(c -> Conversion.parse(c.params().get("conversion"))).collect(Collectors.toSet());
        assertThat(conversions).containsExactlyInAnyOrder(Conversion.values());
        // the SD v1 latent shape and the edge shapes the issue names
        Set<String> shapes = manifest.cases().stream().map(c -> Arrays.toString(c.inputs().get(0).shape()))
                .collect(Collectors.toSet());
        assertThat(shapes).contains("[4, 4, 64, 64]", "[2, 4, 64, 64]", "[3, 3, 7, 5]", "[2, 8, 1, 4099]",
                "[5, 4, 1, 1]", "[3, 1, 16, 17]", "[67, 4, 8, 8]");
        assertThat(manifest.cases()).extracting(GoldenCase::name)
                .contains("magnitudes-diffNorm", "zeros-pixelCosine", "sd2-amg-full", "sd2-amg-guidance-only",
                        "sd2-ddimStep-t981", "sd2-ddimStep-last");
    }

    /** The rules in scripts/golden/generate.py; a case with a looser tolerance would slip past review otherwise. */
    @Test
    void tolerancesFollowTheDocumentedRules() throws IOException {
        for (GoldenCase c : manifest.cases()) {
            Tolerance t = c.tolerance();
            assertThat(t.rtol()).as(c.name()).isEqualTo(1e-6);
            switch (c.op()) {
                case DIFF_NORM, MSE -> assertThat(t.atol()).as(c.name()).containsExactly(0x1p-149);
                case PIXEL_COSINE, GLOBAL_COSINE, GUIDANCE_ALIGNMENT -> assertThat(t.atol()).as(c.name()).containsExactly(1e-6);
                default -> {
                    // 1e-6 x the terms: never more than 1e-4 x the largest result of the sample (terms that cancel
                    // a hundredfold would make the check meaningless)
                    double[] e = RUNNER.expected(c);
                    int batch = c.outputShape()[0];
                    int n = e.length / batch;
                    assertThat(t.atol()).as(c.name()).hasSize(batch);
                    for (int b = 0; b < batch; b++) {
                        double max = 0;
                        for (int i = b * n; i < (b + 1) * n; i++) {
                            max = Math.max(max, Math.abs(e[i]));
                        }
                        assertThat(t.atol(b)).as("%s sample %d", c.name(), b).isBetween(0x1p-149, 1e-4 * max + 0x1p-149);
                    }
                }
            }
        }
    }

    /**
     * The timesteps in the manifest were turned into abar by NumPy's float32 schedule; the Java schedule (the
     * CLI's {@code t=} and the sampler's) is built the same way and must agree bit for bit.
     */
    @Test
    void manifestNoiseLevelsMatchTheJavaSchedule() {
        GoldenCase c = manifest.cases().stream().filter(x -> x.name().equals("sd2-ddimStep-t981")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(c.params().get("abar_t"))).isEqualTo(NoiseSchedule.stableDiffusion().alphabar(981));
        assertThat(Double.parseDouble(c.params().get("abar_prev"))).isEqualTo(NoiseSchedule.stableDiffusion().alphabar(961));
    }

    // ---- the check can fail --------------------------------------------------------------------------------

    @Test
    void aPerturbedReductionIsCaughtAtItsSample() throws IOException {
        GoldenCase c = find("sd4-diffNorm");
        Comparison ok = RUNNER.run(c, new PerturbedKernels(backend("scalar"), (op, out) -> { }));
        assertThat(ok.passed()).as(ok.describe()).isTrue();

        // 4e-6 relative is four times the rtol: a change a float32 implementation should never need
        Comparison bad = RUNNER.run(c, new PerturbedKernels(backend("scalar"), (op, out) -> out[2] *= 1 + 4e-6f));
        assertThat(bad.passed()).isFalse();
        assertThat(bad.failures()).isEqualTo(1);
        assertThat(bad.worstWhere()).isEqualTo("sample 2");
        assertThat(bad.worstRatio()).isGreaterThan(3);
        assertThat(bad.describe()).startsWith("FAIL").contains("sample 2");
    }

    @Test
    void aPerturbedElementIsCaughtAndLocated() throws IOException {
        GoldenCase c = find("sd2-cfg");
        int[] s = c.outputShape();
        int flat = ((1 * s[1] + 2) * s[2] + 17) * s[3] + 5;   // sample 1, c=2, h=17, w=5
        double atol = c.tolerance().atol(1);
        Comparison bad = RUNNER.run(c, new PerturbedKernels(backend("scalar"),
                (op, out) -> out[flat] += (float) (3 * atol + 1e-5 * Math.abs(out[flat]))));
        assertThat(bad.passed()).as(bad.describe()).isFalse();
        assertThat(bad.worstIndex()).isEqualTo(flat);
        assertThat(bad.worstWhere()).isEqualTo("sample 1, c=2, h=17, w=5");
    }

    @Test
    void aSmallSampleIsCheckedAtItsOwnScale() throws IOException {
        // sample 0 holds 1e-20 values, sample 2 holds 1e+18 values: a 1% error in sample 0 is far below sample 2's
        // atol, and must still fail because each sample has its own
        GoldenCase c = find("magnitudes-cfg");
        Comparison bad = RUNNER.run(c, new PerturbedKernels(backend("scalar"), (op, out) -> out[7] += 1e-22f));
        assertThat(bad.passed()).as(bad.describe()).isFalse();
        assertThat(bad.worstWhere()).startsWith("sample 0,");
    }

    @Test
    void aNaNIsNeverWithinTolerance() throws IOException {
        GoldenCase c = find("odd-3x3x7x5-pixelCosine");
        Comparison bad = RUNNER.run(c, new PerturbedKernels(backend("scalar"), (op, out) -> out[1] = Float.NaN));
        assertThat(bad.passed()).isFalse();
        assertThat(bad.worstWhere()).isEqualTo("sample 1");
    }

    @Test
    void oneFloat32UlpOnEveryElementStillPasses() throws IOException {
        // the tolerance must leave room for honest float32 rounding, or it tests the summation order
        for (String name : List.of("sd4-globalCosine", "sd2-ddimStep-t981", "batch67-amg-full")) {
            GoldenCase c = find(name);
            Comparison r = RUNNER.run(c, new PerturbedKernels(backend("scalar"), (op, out) -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.nextUp(out[i]);
                }
            }));
            assertThat(r.passed()).as(r.describe()).isTrue();
        }
    }

    private static GoldenCase find(String name) {
        return manifest.cases().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** A backend that runs another one and then edits its result: a stand-in for a kernel with a bug. */
    private static final class PerturbedKernels implements ScoreKernels {
        private final ScoreKernels base;
        private final BiConsumer<String, float[]> edit;

        PerturbedKernels(ScoreKernels base, BiConsumer<String, float[]> edit) {
            this.base = base;
            this.edit = edit;
        }

        @Override
        public String name() {
            return "perturbed-" + base.name();
        }

        @Override
        public void diffNorm(TensorF32 a, TensorF32 b, float[] out) {
            base.diffNorm(a, b, out);
            edit.accept("diffNorm", out);
        }

        @Override
        public void pixelCosine(TensorF32 u, TensorF32 v, float[] out) {
            base.pixelCosine(u, v, out);
            edit.accept("pixelCosine", out);
        }

        @Override
        public void guidanceAlignment(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant, float[] out) {
            base.guidanceAlignment(epsC, epsU, variant, out);
            edit.accept("guidanceAlignment", out);
        }

        @Override
        public void globalCosine(TensorF32 u, TensorF32 v, float[] out) {
            base.globalCosine(u, v, out);
            edit.accept("globalCosine", out);
        }

        @Override
        public void cfg(TensorF32 epsU, TensorF32 epsC, float[] scale, TensorF32 out) {
            base.cfg(epsU, epsC, scale, out);
            edit.accept("cfg", out.data());
        }

        @Override
        public void amg(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0, float[] s1,
                        float[] s2, float[] c3, double abarT, TensorF32 out) {
            base.amg(epsU, epsC, epsN, g, s0, s1, s2, c3, abarT, out);
            edit.accept("amg", out.data());
        }

        @Override
        public void mse(TensorF32 pred, TensorF32 target, float[] out) {
            base.mse(pred, target, out);
            edit.accept("mse", out);
        }

        @Override
        public void run(OpArgs args) {
            base.run(args);
            edit.accept(args.op().cliName(), args.perSampleOut() != null ? args.perSampleOut()
                    : args.tensorOut().data());
        }

        @Override
        public void ddimStep(TensorF32 xt, TensorF32 eps, double abarT, double abarPrev, TensorF32 out) {
            base.ddimStep(xt, eps, abarT, abarPrev, out);
            edit.accept("ddimStep", out.data());
        }

        @Override
        public void convert(Conversion conversion, TensorF32 xt, TensorF32 in, double abar, TensorF32 out) {
            base.convert(conversion, xt, in, abar, out);
            edit.accept("convert", out.data());
        }
    }
}
