package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.membench.TestbedBench;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelSources;
import dev.memscope.source.ModelSpec;
import dev.memscope.source.TestbedImages;
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
    void wenAndSailAreSkippedUnderAllAndRefusedByName() {
        StringWriter sw = new StringWriter();
        assertThat(TestbedMembench.methods(List.of("all"), false, false, new PrintWriter(sw, true)))
                .containsExactly("none", "rna", "rta", "amg");
        assertThat(sw.toString()).contains("wen skipped").contains("sail skipped");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestbedMembench.methods(List.of("wen"), false,
                false, new PrintWriter(new StringWriter()))).hasMessageContaining("gradient");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestbedMembench.methods(List.of("sail"), false,
                false, new PrintWriter(new StringWriter()))).hasMessageContaining("vector-Jacobian");
        assertThat(TestbedMembench.methods(List.of("all"), false, true, new PrintWriter(new StringWriter())))
                .as("a model with the latent VJP keeps sail").containsExactly("none", "rna", "rta", "amg", "sail");
    }

    @Test
    void runsEndToEndAndWritesTheFolder() throws Exception {
        Path out = dir.resolve("mb");
        CliRun r = CliRun.of("membench", "--model", "testbed:" + TESTBED, "--method", "none,rna", "--limit", "2",
                "--general-limit", "2", "--images", "2", "--steps", "2", "--backend", "cpu", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("copy max-sim").contains("CLIP score");
        JsonNode res = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(res.path("format").asText()).isEqualTo("memscope-membench-testbed/1");
        assertThat(res.path("methods")).hasSize(2);
        for (JsonNode m : res.path("methods")) {
            assertThat(m.path("copyMaxSimilarity").asDouble()).isBetween(-1.0, 1.0);
            assertThat(m.path("copyShareAbove").asDouble()).isBetween(0.0, 1.0);
            assertThat(m.path("clipScore").asDouble()).isBetween(-1.0, 1.0);
            assertThat(Double.isFinite(m.path("frechet").asDouble())).isTrue();
            // 2 prompts x 2 images each of triggers and general; CFG: 2 passes per step, 2 steps
            assertThat(m.path("samples").asLong()).isEqualTo(8);
            assertThat(m.path("forwardPasses").asLong()).isEqualTo(8 * 2 * 2);
            assertThat(m.path("perTrigger")).hasSize(2);
        }
        assertThat(Files.exists(out.resolve("scatter.png"))).isTrue();
        assertThat(Files.readString(out.resolve("report.md"))).contains("testbed");
    }
}
