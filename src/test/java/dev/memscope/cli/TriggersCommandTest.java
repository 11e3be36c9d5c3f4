package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.source.TestbedVariants;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memscope triggers --model testbed}: the folder it writes, on a 2-step run of 4 variants. */
class TriggersCommandTest {
    static final Path TESTBED = Path.of("models", "testbed");

    @TempDir
    Path dir;

    @Test
    void writesEveryVariantTriedWithItsCopyRateAndASummary() throws Exception {
        Path out = dir.resolve("tr");
        CliRun r = CliRun.of("triggers", "--model", "testbed:" + TESTBED, "--limit", "2", "--per-caption", "2",
                "--steps", "2", "--backend", "cpu", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 variants of 2 memorized captions").contains("kept").contains("all");
        List<TestbedVariants.Row> rows = TestbedVariants.read(out.resolve(TestbedVariants.FILE));
        assertThat(rows).hasSize(4);
        for (TestbedVariants.Row row : rows) {
            assertThat(row.generations()).isEqualTo(4);
            assertThat(row.kept()).isEqualTo(2 * row.copies() >= row.generations());
            assertThat(row.copyRate()).isEqualTo(row.copies() / 4.0);
            assertThat(row.edit()).isIn("style", "product", "name-word", "drop", "swap");
        }
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(s.path("all").path("tried").asInt()).isEqualTo(4);
        assertThat(s.path("all").path("kept").asInt()).isEqualTo((int) rows.stream()
                .filter(TestbedVariants.Row::kept).count());
        assertThat(s.path("sourceCaptions").asInt()).isEqualTo(2);
    }

    @Test
    void refusesAModelWithoutLabels() {
        CliRun r = CliRun.of("triggers", "--model", "lab", "--out", dir.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(MemScope.BAD_INPUT);
        assertThat(r.err()).contains("--model testbed");
    }
}
