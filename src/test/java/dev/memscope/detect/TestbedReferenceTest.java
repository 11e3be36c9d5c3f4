package dev.memscope.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Denoiser;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.progress.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MemScope's detectors on the committed testbed model through ONNX Runtime (float32) against the independent
 * float64 PyTorch scores of scripts/testbed/reference_scores.py on the same weights rebuilt as PyTorch modules
 * (models/testbed/reference/reference_scores.json): the papers' formulas written out in PyTorch, not MemScope's
 * code. Tolerance: rtol 1e-3 with atol 1e-4 (for A, a mean cosine that can sit near zero), per the testbed issue.
 */
class TestbedReferenceTest {
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-4;
    static final Path MODELS = Path.of("models", "testbed");

    static JsonNode ref;
    static List<String> prompts;
    static Denoiser model;
    static ScoreKernels kernels;
    static DetectionContext ctx;

    @BeforeAll
    static void open() throws Exception {
        ref = new ObjectMapper().readTree(MODELS.resolve("reference/reference_scores.json").toFile());
        prompts = new ArrayList<>();
        ref.get("prompts").forEach(p -> prompts.add(p.asText()));
        model = OnnxModels.open(MODELS.resolve("onnx"), "cpu");
        kernels = Backends.create("cpu");
        ctx = new DetectionContext(model, kernels, 64, Progress.NONE);
    }

    @AfterAll
    static void close() {
        kernels.close();
        model.close();
    }

    @Test
    void referenceCoversAtLeastFortyPrompts() {
        assertThat(prompts).hasSizeGreaterThanOrEqualTo(40).doesNotHaveDuplicates();
    }

    @Test
    void anisotropyTermsMatchPyTorch() {
        double[][] t = new AnisotropyDetector(1, AnisotropyDetector.DEFAULT_SEED, null).terms(prompts, ctx);
        check("anisotropy N", t[0], values("anisotropy_N"));
        check("anisotropy A", t[1], values("anisotropy_A"));
        check("anisotropy", new AnisotropyDetector().score(prompts, ctx).values(), values("anisotropy"));
    }

    @Test
    void wenFirstStepMatchesPyTorch() {
        check("wen-first", WenDetector.firstStep(4).score(prompts, ctx).values(), values("wen_first"));
    }

    @Test
    void wenFullTrajectoryMatchesPyTorch() {
        int n = ref.get("wen_full_prompts").asInt();
        check("wen-full", WenDetector.fullTrajectory(4).score(prompts.subList(0, n), ctx).values(),
                values("wen_full"));
    }

    @Test
    void finiteDifferenceSharpnessMatchesPyTorch() {
        double[] got = new SharpnessDetector(1, SharpnessDetector.DEFAULT_SEED,
                SharpnessDetector.Mode.FINITE_DIFFERENCE).score(prompts, ctx).values();
        check("sharpness-fd", got, values("sharpness_fd"));
    }

    private static double[] values(String key) {
        JsonNode a = ref.get(key);
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    private static void check(String what, double[] got, double[] want) {
        assertThat(got).as(what).hasSize(want.length);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < got.length; i++) {
            double r = Math.abs(got[i] - want[i]) / (ATOL + RTOL * Math.abs(want[i]));
            if (r > worst) {
                worst = r;
                at = i;
            }
        }
        System.out.printf("testbed %s vs PyTorch float64: worst |err| / (atol + rtol |ref|) = %.3f (prompt %d)%n",
                what, worst, at);
        assertThat(worst).as("%s, prompt %d '%s': MemScope %.8g, PyTorch %.8g", what, at, prompts.get(at),
                got[at], want[at]).isLessThanOrEqualTo(1.0);
    }
}
