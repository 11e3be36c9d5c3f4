package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memscope detect --onnx DIR} on the tiny ONNX test model (scripts/make_test_unet.py). */
class DetectOnnxTest {
    @TempDir
    Path dir;

    private static String tinyModel() throws URISyntaxException {
        return Path.of(DetectOnnxTest.class.getResource("/dev/memscope/model/onnx/tiny/unet.onnx").toURI())
                .getParent().toString();
    }

    @Test
    void scoresPromptsWithTheOnnxModel() throws Exception {
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "The No Limits Business Woman Podcast\nsunset over hills, caf\u00e9\n");
        Path out = dir.resolve("scores.csv");
        CliRun r = CliRun.of("detect", "--onnx", tinyModel(), "--prompts", prompts.toString(), "--detector",
                "wen-first", "--quick", "--backend", "cpu", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wen-first: scored 2 prompts (4 forward passes");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(3);
        for (String l : lines.subList(1, 3)) {
            String[] f = l.split(",", -1);   // the flagged column is empty without --threshold
            assertThat(Double.parseDouble(f[f.length - 2])).isFinite().isNotZero();
        }
    }

    @Test
    void missingFolderIsAOneLineError() throws Exception {
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "a cat\n");
        CliRun r = CliRun.of("detect", "--onnx", dir.resolve("absent").toString(), "--prompts", prompts.toString(),
                "--detector", "anisotropy");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("absent").contains("does not exist");
    }

    /** detect and compare choose detectors in one place: exact sharpness becomes sharpness-fd on ONNX in both. */
    @Test
    void exactSharpnessBecomesFiniteDifferencesAsInCompare() throws Exception {
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "a cat\n");
        Path out = dir.resolve("s.csv");
        CliRun s = CliRun.of("detect", "--model", "onnx:" + tinyModel(), "--prompts", prompts.toString(),
                "--detector", "sharpness", "--quick", "--backend", "cpu", "--out", out.toString());
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.err()).contains("using sharpness-fd");
        assertThat(s.out()).startsWith("sharpness-fd: scored 1 prompts (6 forward passes");
    }
}
