package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.membench.TestbedBench;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelSources;
import dev.memscope.source.ModelSpec;
import dev.memscope.source.TestbedImages;
import dev.memscope.source.TestbedVariants;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code membench --model testbed}: the committed testbed, its images and metric models, a few 2-step samples. */
class MembenchTestbedTest {
    static final Path TESTBED = Path.of("models", "testbed");

    @TempDir
    Path dir;

    @Test
    void triggersAreTheMemorizedCaptionsWithTheirOwnItemImage() throws Exception {
        Map<String, CaptionLabel> labels;
        try (var source = ModelSources.open(ModelSpec.parse("testbed:" + TESTBED), null, "cpu", "cpu")) {
            labels = source.labels();
        }
        TestbedImages images = TestbedImages.read(TESTBED.resolve(TestbedImages.DIR), 16);
        TestbedMembench.Prompts all = TestbedMembench.prompts(labels, images, false, null, null);
        long memorized = labels.values().stream().filter(CaptionLabel::memorized).count();
        assertThat(all.triggers()).hasSize((int) memorized);
        for (TestbedBench.Trigger t : all.triggers()) {
            CaptionLabel l = labels.get(t.prompt());
            assertThat(l.memorized()).isTrue();
            assertThat(images.trainItem()[t.reference()]).as(t.prompt())
                    .isEqualTo(Integer.parseInt(l.item()));
        }
        assertThat(all.general()).allSatisfy(g -> assertThat(labels.get(g).role()).isIn("heldout", "novel"));
        assertThat(all.general()).hasSize((int) labels.values().stream()
                .filter(l -> l.role().equals("heldout") || l.role().equals("novel")).count());
        TestbedMembench.Prompts quick = TestbedMembench.prompts(labels, images, true, null, null);
        assertThat(quick.triggers()).hasSize(TestbedMembench.QUICK_TRIGGERS);
        assertThat(quick.general()).hasSize(TestbedMembench.QUICK_GENERAL);
        Set<String> roles = new HashSet<>();
        quick.general().forEach(g -> roles.add(labels.get(g).role()));
        assertThat(roles).as("the seeded order mixes held-out and novel captions").contains("heldout", "novel");
    }

    @Test
    void triggersAddTheCommittedCopyingVariantsWithTheirSourcesImage() throws Exception {
        Map<String, CaptionLabel> labels;
        try (var source = ModelSources.open(ModelSpec.parse("testbed:" + TESTBED), null, "cpu", "cpu")) {
            labels = source.labels();
        }
        TestbedImages images = TestbedImages.read(TESTBED.resolve(TestbedImages.DIR), 16);
        List<TestbedVariants.Row> rows = TestbedVariants.readIfPresent(TESTBED);
        long kept = rows.stream().filter(TestbedVariants.Row::kept).count();
        assertThat(kept).as("the committed search keeps some variants").isPositive();
        assertThat(rows.size()).as("and drops some").isGreaterThan((int) kept);
        long memorized = labels.values().stream().filter(CaptionLabel::memorized).count();
        TestbedMembench.Prompts all = TestbedMembench.prompts(labels, images, rows, false, null, null, null);
        assertThat(all.triggers()).hasSize((int) (memorized + kept));
        assertThat(all.variants()).isEqualTo((int) kept);
        Map<String, TestbedVariants.Row> byVariant = new java.util.HashMap<>();
        rows.forEach(v -> byVariant.put(v.variant(), v));
        for (TestbedBench.Trigger t : all.triggers()) {
            if (!t.variant()) {
                assertThat(labels.get(t.prompt()).memorized()).isTrue();
                continue;
            }
            TestbedVariants.Row v = byVariant.get(t.prompt());
            assertThat(v.kept()).as(t.prompt()).isTrue();
            assertThat(v.copies() * 2).isGreaterThanOrEqualTo(v.generations());
            assertThat(labels).doesNotContainKey(t.prompt());
            assertThat(images.trainItem()[t.reference()]).as(t.prompt()).isEqualTo(v.item());
            assertThat(labels.get(v.source()).item()).isEqualTo(Integer.toString(v.item()));
        }
        TestbedMembench.Prompts quick = TestbedMembench.prompts(labels, images, rows, true, null, null, null);
        assertThat(quick.triggers()).hasSize(TestbedMembench.QUICK_TRIGGERS
                + (int) Math.min(kept, TestbedMembench.QUICK_VARIANTS));
        assertThat(quick.variants()).isEqualTo((int) Math.min(kept, TestbedMembench.QUICK_VARIANTS));
        assertThat(TestbedMembench.prompts(labels, images, rows, false, null, 0, null).variants()).isZero();
    }

    @Test
    void onlyKeptVariantsOfMemorizedSourcesAreTriggers() throws Exception {
        Map<String, CaptionLabel> labels;
        try (var source = ModelSources.open(ModelSpec.parse("testbed:" + TESTBED), null, "cpu", "cpu")) {
            labels = source.labels();
        }
        TestbedImages images = TestbedImages.read(TESTBED.resolve(TestbedImages.DIR), 16);
        // labels.csv: "happy mother christmas icon" is memorized, item 49
        List<TestbedVariants.Row> rows = List.of(
                new TestbedVariants.Row("royal mother christmas icon", "happy mother christmas icon", 49, "style", 3,
                        4, 0.75, true),
                new TestbedVariants.Row("happy mother apple icon", "happy mother christmas icon", 49,
                        "name-word", 1, 4, 0.25, false));
        TestbedMembench.Prompts p = TestbedMembench.prompts(labels, images, rows, false, 1, null, 1);
        assertThat(p.triggers()).hasSize(2);
        assertThat(p.triggers().get(1)).isEqualTo(new TestbedBench.Trigger("royal mother christmas icon",
                images.trainingIndexOfItem().get(49), true));
        List<TestbedVariants.Row> stale = List.of(new TestbedVariants.Row("royal mother christmas icon",
                "happy mother christmas icon", 3, "style", 3, 4, 0.75, true));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestbedMembench.prompts(labels, images, stale, false,
                1, null, 1)).hasMessageContaining("does not mark memorized with that item");
    }

    @Test
    void wenIsSkippedUnderAllAndRefusedByName() {
        StringWriter sw = new StringWriter();
        assertThat(TestbedMembench.methods(List.of("all"), false, new PrintWriter(sw, true)))
                .containsExactly("none", "rna", "rta", "amg", "sail", "ren");
        assertThat(sw.toString()).contains("wen skipped");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestbedMembench.methods(List.of("wen"), false,
                new PrintWriter(new StringWriter()))).hasMessageContaining("gradient");
        // a model without the cross-attention key inputs: ren skipped under all, refused by name
        java.util.function.Function<String, java.util.Optional<String>> noKeys =
                m -> m.equals("ren") ? java.util.Optional.of("no key inputs") : java.util.Optional.empty();
        StringWriter notes = new StringWriter();
        assertThat(TestbedMembench.methods(List.of("all"), false, noKeys, new PrintWriter(notes, true)))
                .containsExactly("none", "rna", "rta", "amg", "sail");
        assertThat(notes.toString()).contains("ren skipped: no key inputs");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestbedMembench.methods(List.of("ren"), false,
                noKeys, new PrintWriter(new StringWriter()))).hasMessageContaining("--method ren: no key inputs");
        // a model without the latent VJP: sail skipped under all, refused by name (Mitigations' own reason)
        dev.memscope.model.Denoiser forwardOnly = new dev.memscope.model.Denoiser() {
            @Override
            public dev.memscope.model.PredictionType predictionType() {
                return dev.memscope.model.PredictionType.EPSILON;
            }

            @Override
            public int channels() {
                return 3;
            }

            @Override
            public int height() {
                return 16;
            }

            @Override
            public int width() {
                return 16;
            }

            @Override
            public dev.memscope.model.Condition condition(String prompt) {
                return dev.memscope.model.Condition.NULL;
            }

            @Override
            public void predict(dev.memscope.tensor.TensorF32 xt, int t, dev.memscope.model.Condition[] c,
                                dev.memscope.tensor.TensorF32 out) {
            }
        };
        java.util.function.Function<String, java.util.Optional<String>> noVjp =
                m -> dev.memscope.mitigate.Mitigations.unsupported(m, forwardOnly);
        StringWriter sailNotes = new StringWriter();
        assertThat(TestbedMembench.methods(List.of("all"), true, noVjp, new PrintWriter(sailNotes, true)))
                .doesNotContain("sail");
        assertThat(sailNotes.toString()).contains("sail skipped");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestbedMembench.methods(List.of("sail"), true,
                noVjp, new PrintWriter(new StringWriter()))).hasMessageContaining("vector-Jacobian");
        // the committed testbed has the VJP graph, so "all" keeps Wen there
        assertThat(TestbedMembench.methods(List.of("all"), true, new PrintWriter(new StringWriter())))
                .contains("wen");
    }

    @Test
    void runsEndToEndAndWritesTheFolder() throws Exception {
        Path out = dir.resolve("mb");
        CliRun r = CliRun.of("membench", "--model", "testbed:" + TESTBED, "--method", "none,rna,wen,ren", "--limit",
                "2", "--variant-limit", "1", "--general-limit", "2", "--images", "2", "--steps", "2", "--backend", "cpu",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("copy max-sim").contains("CLIP score");
        JsonNode res = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(res.path("format").asText()).isEqualTo("memscope-membench-testbed/1");
        assertThat(res.path("methods")).hasSize(4);
        assertThat(res.path("triggerPrompts").asInt()).isEqualTo(3);
        assertThat(res.path("triggerCaptions").asInt()).isEqualTo(2);
        assertThat(res.path("triggerVariants").asInt()).isEqualTo(1);
        assertThat(r.out()).contains("2 memorized captions + 1 copying variants");
        for (JsonNode m : res.path("methods")) {
            boolean wen = m.path("method").asText().equals("wen");
            assertThat(m.path("copyMaxSimilarity").asDouble()).isBetween(-1.0, 1.0);
            assertThat(m.path("copyShareAbove").asDouble()).isBetween(0.0, 1.0);
            assertThat(m.path("clipScore").asDouble()).isBetween(-1.0, 1.0);
            assertThat(Double.isFinite(m.path("frechet").asDouble())).isTrue();
            // 2 captions + 1 variant and 2 general prompts, 2 images each; CFG: 2 passes per step, 2 steps
            assertThat(m.path("samples").asLong()).isEqualTo(10);
            if (!wen) {
                // ren: no passes beyond the sampler's
                assertThat(m.path("forwardPasses").asLong()).isEqualTo(10 * 2 * 2);
            } else {
                // Wen through the testbed's VJP graph: eps_u once, eps_c per evaluation, one pass per VJP
                JsonNode st = m.path("statistics");
                assertThat(st.path("samples_optimized").asDouble()).isEqualTo(10);
                long extra = Math.round(10 * (st.path("extra_forward_passes_per_sample").asDouble()
                        + st.path("embedding_vjps_per_sample").asDouble()));
                assertThat(m.path("forwardPasses").asLong()).isEqualTo(10 * 2 * 2 + extra);
                assertThat(st.path("extra_forward_passes_per_sample").asDouble()).isGreaterThanOrEqualTo(2);
            }
            assertThat(m.path("perTrigger")).hasSize(3);
            assertThat(m.path("perTrigger").get(2).path("variant").asBoolean()).isTrue();
            assertThat(m.path("byTriggerKind").path("variants").path("prompts").asInt()).isEqualTo(1);
        }
        assertThat(Files.exists(out.resolve("scatter.png"))).isTrue();
        assertThat(Files.readString(out.resolve("report.md"))).contains("testbed");
    }
}
