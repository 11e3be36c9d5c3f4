package dev.memscope.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.detect.CountingDenoiser;
import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.Detectors;
import dev.memscope.detect.Scores;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.progress.Progress;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every detector of {@link Detectors#names()} through the ONNX denoiser (tiny model, quick settings): finite scores
 * and forward passes as declared. The tiny model is untrained, so scores are not checked for ranking. Exact
 * sharpness needs Jacobian-vector products, which an ONNX graph does not offer: it fails clearly and sharpness-fd
 * (central differences) runs instead.
 */
class OnnxDetectorsTest {
    private static final List<String> PROMPTS = List.of("A photo of an astronaut riding a horse on Mars.",
            "Mothers influence on her young hippo", "The No Limits Business Woman Podcast");

    private static OnnxDenoiser model;
    private static ScoreKernels kernels;

    @BeforeAll
    static void open() {
        model = TinyModel.open(16);
        kernels = Backends.create("cpu");
    }

    @AfterAll
    static void close() {
        kernels.close();
        model.close();
    }

    static List<String> blackBoxDetectors() {
        return Detectors.names().stream().map(n -> n.equals("sharpness") ? "sharpness-fd" : n).toList();
    }

    @ParameterizedTest
    @MethodSource("blackBoxDetectors")
    void detectorRunsWithFiniteScoresAndDeclaredPasses(String name) {
        Detector d = Detectors.createQuick(name);
        CountingDenoiser counter = new CountingDenoiser(model);
        Scores s = d.score(PROMPTS, new DetectionContext(counter, kernels, 16, Progress.NONE));
        long expected = d.cost(model).forwardPasses(PROMPTS.size());
        assertThat(s.values()).hasSize(PROMPTS.size());
        for (double v : s.values()) {
            assertThat(Double.isFinite(v)).as(name).isTrue();
        }
        assertThat(counter.passes()).isEqualTo(expected);
        assertThat(s.forwardPasses()).isEqualTo(expected);
        if (name.equals("carlini")) {
            // a density of near-duplicate pairs; the untrained tiny model makes none (all 0), so only the range
            for (double v : s.values()) {
                assertThat(v).isBetween(0.0, 1.0);
            }
        } else {
            // different prompts, different text states: a detector that ignored the condition would tie
            assertThat(s.values()[0]).as(name).isNotEqualTo(s.values()[1]);
        }
    }

    @Test
    void exactSharpnessExplainsThatOnnxHasNoJacobian() {
        assertThat(Detectors.names()).contains("sharpness");
        Detector d = Detectors.createQuick("sharpness");
        assertThatThrownBy(() -> d.score(PROMPTS, new DetectionContext(new CountingDenoiser(model), kernels, 16,
                Progress.NONE))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sharpness-fd");
    }
}
