package dev.memscope.membench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.memscope.data.MemBenchCsv;
import dev.memscope.data.MemBenchGroups;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.progress.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MemBench lab world and run on a tiny world (4 x 8 x 8 latents, three groups). */
class MemBenchRunTest {
    static final LabConfig TINY = LabConfig.defaults().with("height", 8).with("width", 8)
            .with("genericComponents", 24).with("embeddingDim", 64).with("uncondMemWeight", 1e-8);

    static List<MemBenchGroups.Group> groups() throws Exception {
        List<MemBenchCsv.Row> rows = new ArrayList<>();
        String[][] data = {
            {"red apple on a wooden table", "a"}, {"red apple on the wooden table", "a"},
            {"red apple wooden table photo", "a"}, {"blue sports car at night", "c"},
            {"blue sports car at night city", "c"}, {"old castle in the mountains", "m"},
            {"old castle in the misty mountains", "m"}};
        for (int i = 0; i < data.length; i++) {
            rows.add(new MemBenchCsv.Row(i, data[i][0], List.of(data[i][1]), i + 2));
        }
        return MemBenchGroups.group(Path.of("tiny.csv"), rows);
    }

    static final List<String> GENERAL = List.of("a dog running on the beach", "a bowl of soup",
            "portrait of a woman with a hat", "a green forest path");

    @Test
    void groupComponentsShareTheReferenceImage() throws Exception {
        MemBenchLab lab = MemBenchLab.build(TINY, groups(), 2, GENERAL);
        assertThat(lab.groups()).hasSize(3);
        assertThat(lab.firstComponent()).containsExactly(0, 2, 4);
        assertThat(lab.world().mean(1)).containsExactly(lab.reference(0));
        assertThat(lab.world().mean(3)).containsExactly(lab.reference(1));
        assertThat(lab.reference(1)).isNotEqualTo(lab.reference(0));
        assertThat(lab.world().components()).isEqualTo(6 + 4 + 24);
    }

    @Test
    void baselineCopiesItsBaseTriggersAndBatchingDoesNotChangeResults() throws Exception {
        MemBenchLab lab = MemBenchLab.build(TINY, groups(), 2, GENERAL);
        List<MemBenchRun.Trigger> triggers = new ArrayList<>();
        for (int g = 0; g < 3; g++) {
            triggers.add(new MemBenchRun.Trigger(lab.baseTriggers().get(g).get(0), g));
        }
        try (LabDenoiser model = new LabDenoiser(lab.world(), Gemms.create("cpu"));
             ScoreKernels k = Backends.create("cpu")) {
            MemBenchRun.Settings s = new MemBenchRun.Settings(3, 10, 7.5, 64);
            MemBenchRun.MethodResult a = new MemBenchRun(lab, model, k, s).run("none", triggers, GENERAL,
                    Progress.NONE);
            MemBenchRun.MethodResult b = new MemBenchRun(lab, model, k, new MemBenchRun.Settings(3, 10, 7.5, 5))
                    .run("none", triggers, GENERAL, Progress.NONE);
            // A training caption with guidance 7.5 lands on its (near-zero-variance) training image.
            assertThat(a.trigger().maxSimilarity()).isGreaterThan(0.9);
            assertThat(a.trigger().shareAbove()).isGreaterThan(0.5);
            assertThat(a.alignment()).isBetween(-1.0, 1.0);
            assertThat(a.frechet()).isGreaterThanOrEqualTo(0);
            assertThat(a.samples()).isEqualTo(3 * 7);
            // Plain CFG: two passes (null and prompt) per image per step.
            assertThat(a.forwardPasses()).isEqualTo(2L * 10 * 21);
            // Seeds name (prompt, image), not a batch position: the same noise in any batching.
            for (int i = 0; i < triggers.size(); i++) {
                assertThat(b.perPrompt().get(i).maxSimilarity())
                        .isCloseTo(a.perPrompt().get(i).maxSimilarity(), within(1e-5));
            }
            assertThat(b.alignment()).isCloseTo(a.alignment(), within(1e-5));
            MemBenchRun.Reference ref = new MemBenchRun(lab, model, k, s).exactReference(GENERAL);
            assertThat(ref.alignment()).isBetween(0.0, 1.0);
            assertThat(ref.frechet()).isGreaterThanOrEqualTo(0);
            assertThatThrownBy(() -> new MemBenchRun(lab, model, k, s).run("none", List.of(), GENERAL, Progress.NONE))
                    .hasMessageContaining("no trigger prompts");
            assertThatThrownBy(() -> new MemBenchRun(lab, model, k, s).run("bogus", triggers, GENERAL, Progress.NONE))
                    .hasMessageContaining("unknown mitigation method 'bogus'");
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new MemBenchRun.Settings(0, 50, 7.5, 64)).hasMessageContaining("images");
        assertThatThrownBy(() -> new MemBenchRun.Settings(1, 50, 1.0, 64)).hasMessageContaining("guidance");
        assertThatThrownBy(() -> new MemBenchRun.Settings(1, 50, 7.5, 0)).hasMessageContaining("batch");
    }
}
