package dev.memscope.model.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.Detectors;
import dev.memscope.detect.Scores;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.progress.Progress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The detectors on a replay give the scores scripts/make_replay_test_data.py computed from the shards alone in
 * float64 NumPy (expected.json), on both the readable and the fast backend, with the declared forward passes; the
 * ones a recording cannot serve refuse, saying what they need.
 */
class ReplayDetectorsTest {

    private static Scores run(Path folder, String detector, String backend, int batch) throws Exception {
        try (ReplayDenoiser model = ReplayDenoiser.open(folder); ScoreKernels k = Backends.create(backend)) {
            Detector d = Detectors.create(detector, 1);
            return d.score(ReplayTestData.prompts(folder), new DetectionContext(model, k, batch, Progress.NONE));
        }
    }

    private static void assertMatchesNumpy(Path folder, String detector, Scores s) {
        double[] expected = ReplayTestData.expectedScores(folder, detector);
        assertThat(s.values()).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(s.values()[i]).as("%s prompt %d", detector, i)
                    .isCloseTo(expected[i], within(ReplayTestData.SCORE_ATOL
                            + ReplayTestData.SCORE_RTOL * Math.abs(expected[i])));
        }
    }

    @ParameterizedTest(name = "{0} on {1}, batch {2}")
    @CsvSource({"anisotropy, scalar, 64", "anisotropy, cpu, 3", "wen-first, scalar, 64", "wen-first, cpu, 5"})
    void pureNoiseDetectorsMatchTheNumpyFormulas(String detector, String backend, int batch) throws Exception {
        Scores s = run(ReplayTestData.pure(), detector, backend, batch);
        assertMatchesNumpy(ReplayTestData.pure(), detector, s);
        assertThat(s.forwardPasses()).isEqualTo(Detectors.create(detector, 1).cost().forwardPassesPerPrompt() * 12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"anisotropy", "wen-first", "wen-full"})
    void theTrajectoryRecordingServesAllThree(String detector) throws Exception {
        Scores s = run(ReplayTestData.trajectory(), detector, "cpu", 4);
        assertMatchesNumpy(ReplayTestData.trajectory(), detector, s);
        if (detector.equals("wen-full")) {
            // Java's DDIM re-walked every recorded step (each latent checked against the recording): 50 CFG pairs
            assertThat(s.forwardPasses()).isEqualTo(4 * 100);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "wen-full|pure|needs the 50-step CFG DDIM trajectory at guidance 7.5; the recording has no trajectory",
        "sharpness|pure|needs exact Jacobian-vector products",
        "sharpness-fd|trajectory|needs predictions at perturbed latents",
        "carlini|trajectory|needs 8 images per prompt; the recording has 1"})
    void detectorsTheRecordingCannotServeRefuseUpFront(String detector, String folder, String why) throws Exception {
        Path dir = folder.equals("pure") ? ReplayTestData.pure() : ReplayTestData.trajectory();
        try (ReplayDenoiser model = ReplayDenoiser.open(dir); ScoreKernels k = Backends.create("cpu")) {
            Detector d = Detectors.create(detector);
            assertThatThrownBy(() -> d.score(List.of(ReplayTestData.prompts(dir).get(0)),
                    new DetectionContext(model, k, 8, Progress.NONE)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(d.name() + " cannot run on this replay").hasMessageContaining(why);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void moreImagesThanRecordedIsRefused(int images) throws Exception {
        try (ReplayDenoiser model = ReplayDenoiser.open(ReplayTestData.pure()); ScoreKernels k = Backends.create("cpu")) {
            assertThatThrownBy(() -> Detectors.create("anisotropy", images).score(List.of("Mothers influence on her "
                    + "young hippo"), new DetectionContext(model, k, 8, Progress.NONE)))
                    .hasMessageContaining("needs " + images + " images per prompt; the recording has 1");
        }
    }
}
