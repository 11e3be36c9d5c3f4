package dev.memscope.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code memscope bench compare|report}: exit codes 0 / 1 / 2, the table and the error lines. */
class BenchCommandTest {

    @TempDir
    Path dir;

    private Path json(String name, double score, double error, String unit) throws IOException {
        return Files.writeString(dir.resolve(name), "[{\"benchmark\": \"dev.memscope.jmh.KernelBench.cfg\", "
                + "\"mode\": \"avgt\", \"params\": {\"backend\": \"cpu\", \"batch\": \"64\"}, \"primaryMetric\": "
                + "{\"score\": " + score + ", \"scoreError\": " + error + ", \"scoreUnit\": \"" + unit + "\"}}]");
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(BenchCommandTest.class.getResource("/bench/" + name).toURI()).toString();
    }

    @Test
    void aRegressionExitsOneAndSaysSlower() throws IOException {
        CliRun r = CliRun.of("bench", "compare", json("a.json", 100, 1, "us/op").toString(),
                json("b.json", 0.13, 0.001, "ms/op").toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).containsPattern("KernelBench.cfg backend=cpu,batch=64 +100.0 ± 1.0 +130.0 ± 1.0 +us/op +\\+30.0% +slower")
                .contains("1 compared: 1 slower, 0 faster, 0 same (threshold 5%");
    }

    @Test
    void aChangeBelowTheThresholdExitsZero() throws IOException {
        Path a = json("a.json", 100, 0.1, "us/op");
        Path b = json("b.json", 104, 0.1, "us/op");
        CliRun same = CliRun.of("bench", "compare", a.toString(), b.toString());
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).contains("same");
        CliRun strict = CliRun.of("bench", "compare", a.toString(), b.toString(), "--threshold", "2.5%");
        assertThat(strict.exitCode()).isEqualTo(1);
    }

    @Test
    void realRunsCompareAndListWhatIsMissing() throws Exception {
        CliRun r = CliRun.of("bench", "compare", resource("kernels.json"), resource("kernels.json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("16 compared: 0 slower, 0 faster, 16 same");
        // Issue 14 B.6: no benchmark in common was "0 compared", exit 0, which a CI gate read as a pass
        CliRun other = CliRun.of("bench", "compare", resource("kernels.json"), resource("fused.json"));
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.err()).contains("have no benchmark in common").contains("kernels.json")
                .contains("fused.json");
    }

    @Test
    void badInputExitsTwoNamingTheFile() throws IOException {
        Path notJmh = Files.writeString(dir.resolve("numpy.json"), "{\"nt_gflops\": 131.2}");
        Path ok = json("ok.json", 1, 0.1, "us/op");
        CliRun r = CliRun.of("bench", "compare", ok.toString(), notJmh.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("memscope bench compare: error: " + notJmh).contains("not JMH output");
        CliRun missing = CliRun.of("bench", "compare", ok.toString(), dir.resolve("nope.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.json");
        CliRun threshold = CliRun.of("bench", "compare", ok.toString(), ok.toString(), "--threshold", "lots");
        assertThat(threshold.exitCode()).isEqualTo(2);
        assertThat(threshold.err()).contains("--threshold").contains("lots");
        CliRun report = CliRun.of("bench", "report", notJmh.toString(), "--out", dir.resolve("r").toString());
        assertThat(report.exitCode()).isEqualTo(2);
        assertThat(report.err()).contains("memscope bench report: error: " + notJmh);
        assertThat(dir.resolve("r")).doesNotExist();
    }

    @Test
    void thresholdsReadAsPercentages() {
        assertThat(BenchCommand.parseThreshold("5%")).isEqualTo(0.05);
        assertThat(BenchCommand.parseThreshold("2.5")).isEqualTo(0.025);
        assertThatThrownBy(() -> BenchCommand.parseThreshold("-1%")).hasMessageContaining(">= 0%");
    }

    @Test
    void reportWritesChartsAndPage() throws Exception {
        Path out = dir.resolve("report");
        CliRun r = CliRun.of("bench", "report", resource("kernels.json"), resource("detectors.json"),
                "--out", out.toString(), "--bandwidth", "25");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + out.resolve("report.md"));
        assertThat(out.resolve("kernels-gbps-batch64.png")).isNotEmptyFile();
        assertThat(out.resolve("detector-speedup.png")).isNotEmptyFile();
        assertThat(out.resolve("lab-gflops.png")).doesNotExist();
    }


    /**
     * Issue 14 B.3 through the CLI: a folder of outputs is written whole, so a write that fails half-way leaves the
     * complete old run (or, when the new run could be written elsewhere and swapped in, the complete new run), never
     * new charts beside an old page. The failure is forced by a non-empty folder named report.md in the old run,
     * which no rename can replace; the charts are written before the page.
     */
    @Test
    void aReportWriteThatFailsHalfWayLeavesTheOldRunOrTheNewRunNeverAMix() throws Exception {
        Path out = dir.resolve("report");
        CliRun first = CliRun.of("bench", "report", resource("kernels.json"), "--out", out.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        java.util.List<Path> charts;
        try (java.util.stream.Stream<Path> s = Files.list(out)) {
            charts = s.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
        }
        assertThat(charts).isNotEmpty();
        for (Path c : charts) {
            Files.writeString(c, "old");
        }
        Files.delete(out.resolve("report.md"));
        Files.writeString(Files.createDirectories(out.resolve("report.md")).resolve("keep"), "old");

        CliRun again = CliRun.of("bench", "report", resource("kernels.json"), "--out", out.toString());

        java.util.List<String> chartStates = new java.util.ArrayList<>();
        for (Path c : charts) {
            chartStates.add(Files.isRegularFile(c) && Files.readString(c, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .equals("old") ? "old" : "new");
        }
        String page = Files.isDirectory(out.resolve("report.md")) ? "old"
                : Files.isRegularFile(out.resolve("report.md")) ? "new" : "absent";
        if (again.exitCode() == 0) {
            assertThat(chartStates).as("charts after a successful run").containsOnly("new");
            assertThat(page).as("report.md after a successful run").isEqualTo("new");
        } else {
            assertThat(chartStates).as("charts after a failed run (" + again.err().strip() + ")").containsOnly("old");
            assertThat(page).as("report.md after a failed run").isEqualTo("old");
        }
    }
}
