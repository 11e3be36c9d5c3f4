package dev.memscope.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.progress.Progress;
import dev.memscope.tensor.TensorF32;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Empty or blank prompt lists and a model that emits NaN fail with a message, never a silent score. */
class DetectorBadInputTest {
    private static LabDenoiser lab;
    private static ScoreKernels kernels;

    @BeforeAll
    static void setUp() {
        lab = TestWorlds.model();
        kernels = Backends.create("cpu");
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        lab.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"anisotropy", "wen-first", "wen-full", "sharpness", "sharpness-fd", "carlini"})
    void emptyAndBlankPrompts(String name) {
        DetectionContext ctx = new DetectionContext(lab, kernels, 8, Progress.NONE);
        Detector d = Detectors.createQuick(name);
        assertThatThrownBy(() -> d.score(List.of(), ctx)).hasMessageContaining(name + ": no prompts");
        assertThatThrownBy(() -> d.score(Arrays.asList("a cat", " "), ctx)).hasMessageContaining("prompt 1 is blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"anisotropy", "wen-first", "sharpness-fd", "carlini"})
    void nonFiniteModelOutputIsAnError(String name) {
        Denoiser broken = new Denoiser() {
            @Override
            public PredictionType predictionType() {
                return PredictionType.EPSILON;
            }

            @Override
            public int channels() {
                return lab.channels();
            }

            @Override
            public int height() {
                return lab.height();
            }

            @Override
            public int width() {
                return lab.width();
            }

            @Override
            public Condition condition(String prompt) {
                return lab.condition(prompt);
            }

            @Override
            public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
                lab.predict(xt, t, conditions, out);
                out.data()[out.data().length - 1] = Float.NaN;
            }
        };
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> Detectors.createQuick(name)
                .score(List.of("a cat", "a dog"), new DetectionContext(broken, kernels, 8, Progress.NONE)));
        assertThat(e).as(name).isNotNull();
        assertThat(e.getMessage()).containsIgnoringCase("nan");
    }
}
