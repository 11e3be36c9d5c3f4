package dev.memscope.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Files that are not JMH output are refused with the file and what is missing; real JMH output reads back. */
class JmhResultsTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private void refused(String content, String... fragments) throws IOException {
        Path f = file("bad.json", content);
        var thrown = assertThatThrownBy(() -> JmhResults.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString());
        for (String fragment : fragments) {
            thrown.hasMessageContaining(fragment);
        }
    }

    @Test
    void readsARealKernelBenchRun() throws Exception {
        List<JmhResult> rs = JmhResults.read(Path.of(getClass().getResource("/bench/kernels.json").toURI()));
        JmhResult diffNorm = rs.stream().filter(r -> r.key().equals("KernelBench.diffNorm backend=cpu,batch=64"))
                .findFirst().orElseThrow();
        // Values as written by JMH in that file.
        assertThat(diffNorm.mode()).isEqualTo("avgt");
        assertThat(diffNorm.unit()).isEqualTo("us/op");
        assertThat(diffNorm.median()).isEqualTo(52.60708796053322);
        assertThat(diffNorm.low()).isLessThan(diffNorm.score()).isLessThan(diffNorm.high());
        assertThat(diffNorm.secondary()).containsKey("gc.alloc.rate.norm");
    }

    @Test
    void notJsonNamesTheLine() throws IOException {
        refused("[{\"benchmark\": \"x\",\n oops", "not valid JSON", "bad.json:2:");
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        refused("", "empty file");
    }

    @Test
    void anObjectIsNotJmhOutput() throws IOException {
        refused("{\"b\": 64, \"nt_gflops\": 131.2}", "not JMH output", "an object with fields [b, nt_gflops]");
    }

    @Test
    void anEmptyResultListIsRefused() throws IOException {
        refused("[]", "no benchmark results");
    }

    @Test
    void entriesWithoutTheJmhFieldsNameTheEntryAndTheField() throws IOException {
        refused("[{\"mode\": \"avgt\"}]", ":1:2: '[0].benchmark' is missing: result 0 is not JMH output");
        refused("[{\"benchmark\": \"a.B.c\"}]", "'[0].mode' is missing: result 0 (a.B.c)");
        refused("[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\"}]", "'[0].primaryMetric' is missing");
        refused("[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"primaryMetric\": {\"scoreUnit\": \"us/op\"}}]",
                "'[0].primaryMetric.score' is missing");
        refused("[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"primaryMetric\": {\"score\": 1}}]",
                "'[0].primaryMetric.scoreUnit' is missing");
        refused("[1, 2]", ":1:2: '[0]' result 0", "expected an object");
    }

    @Test
    void aNonFiniteScoreIsRefused() throws IOException {
        refused("[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"primaryMetric\": {\"score\": \"Infinity\", "
                + "\"scoreUnit\": \"us/op\"}}]", "score is Infinity");
        refused("[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"primaryMetric\": {\"score\": \"NaN\", "
                + "\"scoreUnit\": \"us/op\"}}]", "score is NaN");
    }

    @Test
    void aUnitThatDoesNotFitTheModeIsRefused() throws IOException {
        refused(new JmhJson().add("a.B.c", "avgt", "", 1, 0.1, "ops/s").json(), "ops/s", "avgt");
        refused(new JmhJson().add("a.B.c", "thrpt", "", 1, 0.1, "us/op").json(), "us/op", "thrpt");
        refused(new JmhJson().add("a.B.c", "avgt", "", 1, 0.1, "fortnights/op").json(), "fortnights");
        refused(new JmhJson().add("a.B.c", "warp", "", 1, 0.1, "us/op").json(), "unknown JMH mode 'warp'");
    }

    @Test
    void aRepeatedBenchmarkIsRefused() throws IOException {
        refused(new JmhJson().avgt("a.B.c", 1, 0.1).avgt("a.B.c", 2, 0.1).json(), "result 1 repeats B.c batch=64");
    }
}
