package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memscope clid} prints the numbers that {@code scripts/eval/clid_expected.py} (scikit-learn) computed on the
 * released features, at the printed precision; bad files fail with the file and line named.
 */
class ClidCommandTest {
    @TempDir
    Path dir;

    private static final Path CLID = Path.of(System.getProperty("memscope.shared", "../shared"), "data", "clid");

    private static String[] fileArgs(JsonNode files) {
        return new String[] {"clid",
            "--shadow-members", CLID.resolve(files.get("shadowMembers").asText()).toString(),
            "--shadow-holdout", CLID.resolve(files.get("shadowHoldout").asText()).toString(),
            "--target-members", CLID.resolve(files.get("targetMembers").asText()).toString(),
            "--target-holdout", CLID.resolve(files.get("targetHoldout").asText()).toString()};
    }

    @Test
    void printsThePinnedNumbersOnTheReleasedFeatures() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(getClass().getResourceAsStream("/clid/expected.json"));
        JsonNode e = doc.get("allRows");
        CliRun run = CliRun.of(fileArgs(doc.get("files")));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(String.format(Locale.ROOT, "alpha              %.1f", e.get("alpha").asDouble()))
                .contains(String.format(Locale.ROOT, "ASR                %.6f", e.get("targetAsr").asDouble()))
                .contains(String.format(Locale.ROOT, "AUC                %.6f", e.get("targetAuc").asDouble()))
                .contains(String.format(Locale.ROOT, "TPR@1%%FPR          %.6f", e.get("targetTprAt1").asDouble()));
        // the values themselves (from the committed oracle file, not from this code): the CLiD paper's scale
        assertThat(e.get("targetAuc").asDouble()).isBetween(0.95, 0.97);
    }

    @Test
    void badFeatureFileFailsNamingFileAndLine() throws Exception {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "0.1\t0.2\t0.3\t0.4\t0.5\n0.1\t0.2\n");
        Path good = dir.resolve("good.txt");
        Files.writeString(good, "0.1\t0.2\t0.3\t0.4\t0.5\n");
        CliRun run = CliRun.of("clid", "--shadow-members", bad.toString(), "--shadow-holdout", good.toString(),
                "--target-members", good.toString(), "--target-holdout", good.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("bad.txt:2: 2 tab-separated columns, expected 5");
    }

    @Test
    void labOnlyOptionsWithFilesAreAUsageError() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(getClass().getResourceAsStream("/clid/expected.json"));
        String[] a = fileArgs(doc.get("files"));
        String[] withQuick = java.util.Arrays.copyOf(a, a.length + 1);
        withQuick[a.length] = "--quick";
        CliRun run = CliRun.of(withQuick);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("apply only with --lab");
    }

    @Test
    void missingArgumentsAreAUsageError() {
        CliRun run = CliRun.of("clid", "--shadow-members", "x.txt");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--shadow-holdout");
    }

    @Test
    void labQuickRunsEndToEndAndWritesReadableFeatures() throws Exception {
        Path out = dir.resolve("features");
        CliRun run = CliRun.of("clid", "--lab", "--quick", "--backend", "cpu", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String f : new String[] {"shadow_members", "shadow_holdout", "target_members", "target_holdout"}) {
            assertThat(dev.memscope.mia.ClidFeatureFile.read(out.resolve(f + ".txt")).size()).isEqualTo(80);
        }
        try (var files = Files.list(out)) {
            assertThat(files).hasSize(4); // no temp files left behind
        }
        assertThat(run.out()).contains("shadow world: K = 336").contains("4800 forward passes (15 per sample)")
                .contains("alpha").contains("ASR").contains("AUC").contains("TPR@1%FPR");
    }

    @Test
    void tablePrintsAllFiveRowsAtThePinnedValues() throws Exception {
        JsonNode rows = new ObjectMapper().readTree(getClass().getResourceAsStream("/clid/table_expected.json"))
                .get("allRows");
        CliRun run = CliRun.of("clid", "--table", "--dir", CLID.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("| method | queries | ASR | AUC | TPR@1%FPR |").contains(", all rows");
        for (JsonNode r : rows) {
            // the oracle's numbers, formatted as the table prints them
            assertThat(run.out()).contains(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.4f |",
                    r.get("method").asText(), r.get("queries").asInt(), r.get("asr").asDouble(),
                    r.get("auc").asDouble(), r.get("tprAt1").asDouble()));
        }
        assertThat(run.out()).contains("XGBoost, 20 trees, seed 0");
    }

    @Test
    void tableOptionsOutsideTableAndLabOptionsWithTableAreUsageErrors() {
        CliRun seed = CliRun.of("clid", "--lab", "--quick", "--seed", "3");
        assertThat(seed.exitCode()).isEqualTo(2);
        assertThat(seed.err()).contains("--dir and --seed apply only with --table");
        CliRun quick = CliRun.of("clid", "--table", "--quick");
        assertThat(quick.exitCode()).isEqualTo(2);
        assertThat(quick.err()).contains("apply only with --lab");
        CliRun both = CliRun.of("clid", "--table", "--lab");
        assertThat(both.exitCode()).isEqualTo(2);
    }

    @Test
    void tableOnAFolderWithoutTheFilesNamesThePattern() {
        CliRun run = CliRun.of("clid", "--table", "--dir", dir.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("no file matches PIA__*_M_coco_real_split1_*TRTE_train*.txt");
    }
}
