package dev.memscope.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.progress.Progress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every detector on the small lab world ({@link TestWorlds}: 16 memorized + 16 non-memorized prompts): ranking
 * (Mann-Whitney AUC), counted passes against the declared cost, batch-size invariance and determinism.
 */
class DetectorTest {
    /** Scores of batch-1 and batch-16 runs differ only by float32 reduction order in the GEMM screen. */
    private static final double BATCH_RTOL = 1e-4;

    private static LabDenoiser model;
    private static ScoreKernels kernels;
    private static final Map<String, Scores> SCORES = new HashMap<>();
    private static final Map<String, Long> COUNTED = new HashMap<>();

    @BeforeAll
    static void setUp() {
        model = TestWorlds.model();
        kernels = Backends.create("cpu");
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
        model.close();
    }

    private static synchronized Scores scores(String name) {
        return SCORES.computeIfAbsent(name, n -> {
            CountingDenoiser counter = new CountingDenoiser(model);
            Scores s = Detectors.create(n).score(TestWorlds.all(), new DetectionContext(counter, kernels, 16,
                    Progress.NONE));
            COUNTED.put(n, counter.passes());
            return s;
        });
    }

    private static double auc(Scores s) {
        int m = TestWorlds.memorized().size();
        return Auc.of(Arrays.copyOfRange(s.values(), 0, m), Arrays.copyOfRange(s.values(), m, s.values().length));
    }

    /**
     * Lower bounds measured on this world (anisotropy 1.00, wen-first 0.93, wen-full 1.00, sharpness 0.92,
     * carlini 1.00), set a little below so a regression of the ranking fails. Before the lab calibration
     * (docs/lab.md) wen-full was inverted here (AUC 0.00) and sharpness 0.99.
     */
    @ParameterizedTest
    @CsvSource({"anisotropy, 0.9", "wen-first, 0.85", "wen-full, 0.9", "sharpness, 0.85", "sharpness-fd, 0.85",
        "carlini, 0.95"})
    void memorizedPromptsScoreHigher(String name, double minAuc) {
        assertThat(auc(scores(name))).as(name).isGreaterThanOrEqualTo(minAuc);
    }

    @ParameterizedTest
    @ValueSource(strings = {"anisotropy", "wen-first", "wen-full", "sharpness", "sharpness-fd", "carlini"})
    void countedPassesMatchTheDeclaredCost(String name) {
        Scores s = scores(name);
        long expected = Detectors.create(name).cost(model).forwardPasses(TestWorlds.all().size());
        assertThat(COUNTED.get(name)).isEqualTo(expected);
        assertThat(s.forwardPasses()).isEqualTo(expected);
        assertThat(s.values()).hasSize(TestWorlds.all().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"anisotropy", "wen-first", "wen-full", "sharpness", "sharpness-fd", "carlini"})
    void batchSizeDoesNotChangeScores(String name) {
        List<String> few = List.of(TestWorlds.memorized().get(0), TestWorlds.memorized().get(1),
                TestWorlds.nonMemorized().get(0), TestWorlds.nonMemorized().get(1), TestWorlds.memorized().get(2));
        Detector d = Detectors.create(name, name.equals("carlini") ? 3 : name.startsWith("wen") ? 2 : 1);
        double[] one = d.score(few, new DetectionContext(model, kernels, 1, Progress.NONE)).values();
        double[] many = d.score(few, new DetectionContext(model, kernels, 16, Progress.NONE)).values();
        for (int i = 0; i < few.size(); i++) {
            assertThat(one[i]).as("%s prompt %d", name, i)
                    .isCloseTo(many[i], org.assertj.core.data.Offset.offset(BATCH_RTOL * Math.max(1, Math.abs(many[i]))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"anisotropy", "wen-first", "sharpness", "carlini"})
    void repeatedRunsAreIdentical(String name) {
        Scores again = Detectors.create(name).score(TestWorlds.all(), new DetectionContext(model, kernels, 16,
                Progress.NONE));
        assertThat(again.values()).containsExactly(scores(name).values());
    }

    @Test
    void progressCountsForwardPasses() {
        long[] seen = new long[2];
        Progress p = new Progress() {
            @Override
            public void start(String task, long total) {
                seen[0] = total;
            }

            @Override
            public void advance(long units) {
                seen[1] += units;
            }

            @Override
            public void done() {
            }
        };
        Detector d = Detectors.create("wen-first");
        d.score(TestWorlds.memorized(), new DetectionContext(model, kernels, 8, p));
        assertThat(seen[0]).isEqualTo(d.cost().forwardPassesPerPrompt() * TestWorlds.memorized().size())
                .isEqualTo(seen[1]);
    }

    @Test
    void registryInPaperOrderWithDefaults() {
        assertThat(Detectors.names()).containsExactly("anisotropy", "wen-first", "wen-full", "sharpness", "carlini");
        assertThat(Detectors.create("anisotropy").cost()).isEqualTo(new DetectorCost(0, 1, 4));
        // on shared noise: the unconditional passes once per call (AnisotropySharedUnconditionalTest)
        assertThat(Detectors.create("anisotropy").cost(model)).isEqualTo(new DetectorCost(0, 1, 2, 2));
        assertThat(Detectors.create("wen-first").cost()).isEqualTo(new DetectorCost(1, 4, 8));
        assertThat(Detectors.create("wen-full").cost()).isEqualTo(new DetectorCost(50, 4, 400));
        // n = 4 images as the sharpness authors' README runs it (--gen_num 4), 4 passes each
        assertThat(Detectors.create("sharpness").cost()).isEqualTo(new DetectorCost(0, 4, 16));
        assertThat(Detectors.create("sharpness-fd").cost()).isEqualTo(new DetectorCost(0, 4, 24));
        assertThat(Detectors.create("carlini").cost()).isEqualTo(new DetectorCost(50, 8, 800));
        assertThat(Detectors.create("WEN-FULL", 1).cost()).isEqualTo(new DetectorCost(50, 1, 100));
        for (String n : Detectors.names()) {
            assertThat(Detectors.create(n).name()).isEqualTo(n);
        }
        assertThatThrownBy(() -> Detectors.create("clip")).hasMessageContaining("unknown detector 'clip'")
                .hasMessageContaining("anisotropy, wen-first");
        assertThatThrownBy(() -> Detectors.create("carlini", 1)).hasMessageContaining(">= 2 generations");
        assertThatThrownBy(() -> Detectors.create("anisotropy", -1)).hasMessageContaining(">= 0");
    }

    @Test
    void exactSharpnessNeedsAJacobian() {
        dev.memscope.model.Denoiser blackBox = new VPredictionDenoiser(model, kernels, false);
        assertThatThrownBy(() -> Detectors.create("sharpness").score(TestWorlds.memorized(),
                new DetectionContext(blackBox, kernels, 8, Progress.NONE))).hasMessageContaining("sharpness-fd");
    }
}
