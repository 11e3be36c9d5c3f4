package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.data.PromptFiles;
import dev.memscope.mia.ClidFeatures;
import dev.memscope.mia.ClidThreshold;
import dev.memscope.tensor.Npy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Issue 14 B.8: values that used to pass silently, or fail with a misleading message, are named. */
class UnreasonableValuesTest {
    @TempDir
    Path dir;

    private static ClidFeatures features(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] rows = new double[n][5];
        for (double[] row : rows) {
            for (int j = 0; j < 5; j++) {
                row[j] = r.nextDouble();
            }
        }
        return new ClidFeatures(name, rows);
    }

    @Test
    void clidShadowClassesOfVeryDifferentSizesAreRefused() {
        assertThatThrownBy(() -> ClidThreshold.evaluate(features("sm.txt", 1, 1), features("sh.txt", 2499, 2),
                features("tm", 50, 3), features("th", 50, 4)))
                .hasMessageContaining("shadow classes of 1 (sm.txt) and 2499 (sh.txt)");
        assertThatThrownBy(() -> ClidThreshold.evaluate(features("sm", 20, 1), features("sh", 201, 2),
                features("tm", 50, 3), features("th", 50, 4))).hasMessageContaining("at most 10 times");
        // balanced enough: runs
        assertThat(ClidThreshold.evaluate(features("sm", 20, 1), features("sh", 200, 2), features("tm", 50, 3),
                features("th", 50, 4)).targetAuc()).isBetween(0.0, 1.0);
    }

    @Test
    void negativeCaptionCountsAndNanBandwidthAreRefusedNamingTheOption() throws Exception {
        CliRun mem = CliRun.of("clid", "--lab", "--quick", "--mem-per-world", "-4");
        assertThat(mem.exitCode()).isEqualTo(2);
        assertThat(mem.err()).contains("--mem-per-world must be >= 0, got -4");
        Path json = Files.writeString(dir.resolve("r.json"), "[]");
        CliRun bw = CliRun.of("bench", "report", json.toString(), "--out", dir.resolve("o").toString(),
                "--bandwidth", "NaN");
        assertThat(bw.exitCode()).isEqualTo(2);
        assertThat(bw.err()).contains("--bandwidth must be a finite number of GB/s > 0, got NaN");
    }

    @Test
    void aFloat64ValueBeyondFloat32IsNamedAsOverflow() throws Exception {
        Path x = dir.resolve("big.npy");
        Npy.writeF64(x, new int[] {1, 1, 1, 2}, new double[] {1.0, 1e39});
        assertThatThrownBy(() -> Npy.readTensor(x)).hasMessageContaining(x.toString())
                .hasMessageContaining("1.0E39 at flat index 1 overflows float32").hasMessageNotContaining("Infinity");
        CliRun r = CliRun.of("kernel", "diffNorm", "--in", x.toString(), "--in", x.toString(), "--out",
                dir.resolve("o.npy").toString(), "--backend", "scalar");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("overflows float32").doesNotContain("holds Infinity");
    }

    @Test
    void aFolderGivenAsAnInputFileIsNamed() {
        assertThatThrownBy(() -> PromptFiles.read(dir)).hasMessageContaining(dir + ": is a directory");
        assertThatThrownBy(() -> Npy.read(dir)).hasMessageContaining(dir + ": is a directory");
    }

    @Test
    void benchReportNamesFileAndBenchmarkOfANonNumericParam() throws Exception {
        Path json = Files.writeString(dir.resolve("k.json"), "[{\"jmhVersion\": \"1.37\", \"benchmark\": "
                + "\"dev.memscope.jmh.KernelBench.diffNorm\", \"mode\": \"avgt\", \"threads\": 1, \"forks\": 1, "
                + "\"params\": {\"batch\": \"sixty-four\", \"backend\": \"cpu\"}, \"primaryMetric\": {\"score\": 1.5, "
                + "\"scoreError\": 0.1, \"scoreConfidence\": [1.4, 1.6], \"scoreUnit\": \"us/op\"}, "
                + "\"secondaryMetrics\": {}}]");
        CliRun r = CliRun.of("bench", "report", json.toString(), "--out", dir.resolve("o").toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(json.toString()).contains("KernelBench.diffNorm")
                .contains("batch = 'sixty-four'").doesNotContain("\tat ");
    }

    /**
     * picocli formats a command's description and header with String.format and, when that fails, warns and
     * prints the raw text: compare's bare % ("TPR@1%FPR") did. Each must be a valid format string. (Option
     * descriptions come back from picocli's model already unescaped, so they are checked by eye.)
     */
    @Test
    void everyHelpTextIsAValidFormatString() {
        Deque<CommandLine> todo = new ArrayDeque<>();
        todo.add(MemScope.commandLine());
        List<String> bad = new ArrayList<>();
        int texts = 0;
        while (!todo.isEmpty()) {
            CommandLine c = todo.poll();
            CommandSpec spec = c.getCommandSpec();
            List<String> all = new ArrayList<>(List.of(spec.usageMessage().description()));
            all.addAll(List.of(spec.usageMessage().header()));
            for (String t : all) {
                texts++;
                try {
                    String.format(Locale.ROOT, t);
                } catch (IllegalFormatException e) {
                    bad.add(spec.qualifiedName() + ": " + t);
                }
            }
            todo.addAll(c.getSubcommands().values());
        }
        assertThat(texts).isGreaterThan(15);
        assertThat(bad).isEmpty();
        StringWriter help = new StringWriter();
        MemScope.commandLine().getSubcommands().get("compare").usage(new PrintWriter(help));
        assertThat(help.toString()).contains("TPR@1%FPR").doesNotContain("%%");
    }


    /**
     * Issue 14 B.8, --bandwidth NaN on a results file that is otherwise fine (the "[]" above is refused for being
     * empty, so there the exit code alone cannot tell). Before: exit 0 and a report without the reference line.
     */
    @Test
    void nanBandwidthIsRefusedForAValidResultsFile() throws Exception {
        Path kernels = Path.of(UnreasonableValuesTest.class.getResource("/bench/kernels.json").toURI());
        Path out = dir.resolve("o");
        CliRun bw = CliRun.of("bench", "report", kernels.toString(), "--out", out.toString(), "--bandwidth", "NaN");
        assertThat(bw.exitCode()).as(bw.err()).isEqualTo(2);
        assertThat(bw.err()).contains("--bandwidth must be a finite number of GB/s > 0, got NaN");
        assertThat(out).doesNotExist();
    }
}
