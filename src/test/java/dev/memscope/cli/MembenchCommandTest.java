package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.mitigate.Mitigations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memscope membench} end to end on a tiny world through picocli, and its bad-input errors. */
class MembenchCommandTest {
    @TempDir
    Path dir;

    private Path csv(String body) throws Exception {
        Path p = dir.resolve("mb.csv");
        Files.writeString(p, ",prompt,urls\n" + body, StandardCharsets.UTF_8);
        return p;
    }

    private Path general() throws Exception {
        Path p = dir.resolve("general.txt");
        Files.writeString(p, "a dog on the beach\na bowl of soup\na green forest path\nportrait with a hat\n");
        return p;
    }

    private static final String ROWS = "0,red apple on a wooden table,['a']\n"
            + "1,red apple on the wooden table,\"['a', 'b']\"\n"
            + "2,apple table photo,['b']\n"
            + "3,blue sports car at night,['c']\n"
            + "4,blue sports car at night city,['c']\n";

    private List<String> tiny(String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("membench", "--csv", csv(ROWS).toString(), "--general",
                general().toString(), "--set", "height=8", "--set", "width=8", "--set", "genericComponents=16",
                "--set", "embeddingDim=64", "--set", "uncondMemWeight=1e-8", "--images", "2", "--steps", "6",
                "--backend", "cpu", "--out", dir.resolve("out").toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void quickRunWritesTheReportWithOneRowPerMethod() throws Exception {
        CliRun r = CliRun.of(tiny("--quick", "--method", "all").toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> methods = new ArrayList<>(Mitigations.names());
        methods.remove("ren");   // the lab has no cross-attention to rescale
        assertThat(r.out()).contains("note: ren skipped: ren: the model cannot rescale or mask");
        for (String m : methods) {
            assertThat(r.out()).containsPattern("(?m)^" + m + "\\s+-?[0-9.]+");
        }
        Path out = dir.resolve("out");
        assertThat(out.resolve("scatter.png")).isNotEmptyFile();
        assertThat(out.resolve("report.md")).content().contains("| method", "scatter.png");
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(json.get("methods")).hasSize(methods.size());
        assertThat(json.get("triggerPrompts").asInt()).isEqualTo(2); // --quick: one per group
        for (JsonNode m : json.get("methods")) {
            assertThat(m.get("triggerMaxSimilarity").asDouble()).isBetween(-1.0, 1.0);
            assertThat(m.get("triggerTop3").asDouble()).isLessThanOrEqualTo(m.get("triggerMaxSimilarity").asDouble());
            assertThat(m.get("triggerShareAbove").asDouble()).isBetween(0.0, 1.0);
            assertThat(m.get("generalAlignment").asDouble()).isBetween(-1.0, 1.0);
            assertThat(m.get("frechet").asDouble()).isGreaterThanOrEqualTo(0.0).isLessThan(1e6);
            assertThat(m.get("forwardPasses").asLong()).isGreaterThanOrEqualTo(2L * 6 * m.get("samples").asLong());
        }
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("results.json", "scatter.png", "report.md");
        }
    }

    /** --sail-threshold reaches SAIL: above every loss, each image keeps its noise and scores exactly as none. */
    @Test
    void sailThresholdReachesTheMethod() throws Exception {
        CliRun r = CliRun.of(tiny("--quick", "--method", "none,sail", "--sail-threshold", "1e9")
                .toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(dir.resolve("out").resolve("results.json").toFile());
        assertThat(json.get("settings").get("sailThreshold").asDouble()).isEqualTo(1e9);
        JsonNode none = json.get("methods").get(0);
        JsonNode sail = json.get("methods").get(1);
        assertThat(sail.get("method").asText()).isEqualTo("sail");
        assertThat(sail.get("statistics").get("threshold").asDouble()).isEqualTo(1e9);
        assertThat(sail.get("statistics").get("share_noise_unchanged").asDouble()).isEqualTo(1.0);
        assertThat(sail.get("triggerMaxSimilarity").asDouble()).isEqualTo(none.get("triggerMaxSimilarity").asDouble());
        assertThat(sail.get("frechet").asDouble()).isEqualTo(none.get("frechet").asDouble());
    }

    /** settings records AMG's deduplication rule: the authors' by default, MemScope's with --amg-dedup memscope. */
    @Test
    void amgDedupRuleIsRecordedAndSelectable() throws Exception {
        CliRun r = CliRun.of(tiny("--quick", "--method", "none").toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode settings = new ObjectMapper().readTree(dir.resolve("out").resolve("results.json").toFile())
                .get("settings");
        assertThat(settings.get("amg").asText()).endsWith("dedup authors (k = 1000 capped at N, count >= 21, "
                + "no fallback, every copy counted)");
        JsonNode dedup = settings.get("amgDedup");
        assertThat(dedup.get("rule").asText()).isEqualTo("authors");
        assertThat(dedup.get("neighbours").asInt()).isEqualTo(1000);
        assertThat(dedup.get("minCount").asInt()).isEqualTo(21);
        assertThat(dedup.get("fallback").asText()).isEqualTo("none");

        r = CliRun.of(tiny("--quick", "--method", "none", "--amg-dedup", "memscope").toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        dedup = new ObjectMapper().readTree(dir.resolve("out").resolve("results.json").toFile())
                .get("settings").get("amgDedup");
        assertThat(dedup.get("rule").asText()).isEqualTo("memscope");
        assertThat(dedup.get("neighbours").asInt()).isEqualTo(10);
        assertThat(dedup.get("minCount").asInt()).isEqualTo(3);
        assertThat(dedup.get("fallback").asText()).isEqualTo("nearest caption");

        r = CliRun.of(tiny("--quick", "--method", "none", "--amg-dedup", "nearest").toArray(String[]::new));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--amg-dedup is authors or memscope, not 'nearest'");
    }

    @Test
    void renByNameIsRefusedOnTheLab() throws Exception {
        CliRun r = CliRun.of(tiny("--method", "none,ren").toArray(String[]::new));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--method ren: ren: the model cannot rescale or mask its cross-attention");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void unknownMethodListsTheKnownOnes() throws Exception {
        CliRun r = CliRun.of(tiny("--method", "none,bogus").toArray(String[]::new));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown method 'bogus'").contains("known: " + String.join(", ",
                Mitigations.names()));
    }

    @Test
    void badCsvRowsNameTheirLine() throws Exception {
        List<String> args = tiny("--method", "none");
        args.set(2, csv(ROWS + "5,no reference,[]\n").toString());
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("mb.csv:7:").contains("empty url list");
        args.set(2, csv(ROWS + "5,bad list,['a' 'b']\n").toString());
        r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("mb.csv:7:").contains("urls");
        assertThat(CliRun.of(tiny("--limit", "0").toArray(String[]::new)).err()).contains("--limit must be >= 1");
        assertThat(CliRun.of(tiny("--base-triggers", "x").toArray(String[]::new)).err()).contains("--base-triggers");
        assertThat(dir.resolve("out")).doesNotExist();
    }
}
