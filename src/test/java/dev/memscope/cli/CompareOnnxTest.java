package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memscope compare --onnx DIR} on the tiny ONNX test model (scripts/make_test_unet.py). */
class CompareOnnxTest {
    @TempDir
    Path dir;

    private static String tinyModel() throws URISyntaxException {
        return Path.of(CompareOnnxTest.class.getResource("/dev/memscope/model/onnx/tiny/unet.onnx").toURI())
                .getParent().toString();
    }

    @Test
    void comparesDetectorsOnTheOnnxModelWithFiniteDifferenceSharpness() throws Exception {
        Path pos = dir.resolve("pos.txt");
        Path neg = dir.resolve("neg.txt");
        Files.writeString(pos, "The No Limits Business Woman Podcast\nLiving in the Light with Ann Graham Lotz\n");
        Files.writeString(neg, "a red bicycle leaning on a wall\nsunset over hills, caf\u00e9\n");
        Path out = dir.resolve("cmp");
        CliRun r = CliRun.of("compare", "--onnx", tinyModel(), "--positives", pos.toString(), "--negatives",
                neg.toString(), "--detectors", "anisotropy,wen-first,sharpness", "--quick", "--backend", "cpu",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("ONNX model in").contains("sharpness-fd").contains("anisotropy");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.path("model").path("kind").asText()).isEqualTo("onnx");
        assertThat(results.path("positives").asInt()).isEqualTo(2);
        assertThat(Files.exists(out.resolve("report.md"))).isTrue();
        assertThat(Files.exists(out.resolve("roc.png"))).isTrue();
    }

    @Test
    void replayAndOnnxTogetherIsABadInputError() throws Exception {
        CliRun r = CliRun.of("compare", "--onnx", tinyModel(), "--replay", dir.toString(), "--out",
                dir.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("exclude each other");
    }
}
