package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.source.TestbedFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare --model testbed:DIR} on a testbed built from the tiny ONNX model. */
class CompareTestbedTest {
    @TempDir
    Path dir;

    @Test
    void comparesOnTheTestbedWithItsLabelsInTheScores() throws Exception {
        Path tb = TestbedFixture.write(dir.resolve("testbed"));
        Path out = dir.resolve("cmp");
        CliRun r = CliRun.of("compare", "--model", "testbed:" + tb, "--detectors", "anisotropy,sharpness",
                "--quick", "--backend", "cpu", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Testbed in").contains("2 positives vs 3 negatives").contains("sharpness-fd");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.path("model").path("kind").asText()).isEqualTo("testbed");
        List<String> csv = Files.readAllLines(out.resolve("scores.csv"));
        assertThat(csv.get(0)).isEqualTo("index,prompt,memorized,role,copies,copy_rate,anisotropy,sharpness-fd");
        assertThat(csv.get(2)).startsWith("1,\"Living in the Light with Ann Graham Lotz, \"\"live\"\"\",true,"
                + "duplicated,25,0.7,");
    }

    @Test
    void aCorruptTestbedIsOneLineAndExitTwo() throws Exception {
        Path tb = TestbedFixture.write(dir.resolve("testbed"));
        Files.writeString(tb.resolve("labels.csv"), "caption,role,item,copies,copy_rate,memorized\n");
        CliRun r = CliRun.of("detect", "--model", "testbed:" + tb, "--detector", "anisotropy");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains(tb.resolve("labels.csv").toString())
                .contains("does not match");
    }
}
