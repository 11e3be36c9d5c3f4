package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.model.replay.ReplayTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memscope detect --replay} and {@code memscope compare --replay} end to end on the tiny model's recordings:
 * the scores are expected.json's (NumPy from the shards), the report files are the lab path's, and the detectors a
 * recording cannot serve are an error in detect and listed as skipped in compare.
 */
class ReplayCommandsTest {

    @TempDir
    Path dir;

    @Test
    void detectWritesTheNumpyScoresForEveryRecordedPrompt() throws Exception {
        Path replay = ReplayTestData.pure();
        Path out = dir.resolve("scores.csv");
        CliRun r = CliRun.of("detect", "--replay", replay.toString(), "--detector", "anisotropy", "--out",
                out.toString(), "--backend", "cpu");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("anisotropy: scored 12 prompts (48 forward passes");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(13);
        double[] expected = ReplayTestData.expectedScores(replay, "anisotropy");
        List<String> prompts = ReplayTestData.prompts(replay);
        for (int i = 0; i < 12; i++) {
            String line = lines.get(i + 1);
            // the score is the last-but-one column; prompts may hold commas and quotes, so read from the end
            String[] tail = line.substring(0, line.length() - 1).split(",");
            double score = Double.parseDouble(tail[tail.length - 1]);
            assertThat(score).isCloseTo(expected[i], within(ReplayTestData.SCORE_ATOL
                    + ReplayTestData.SCORE_RTOL * Math.abs(expected[i])));
            assertThat(line).startsWith(i + ",");
        }
        assertThat(lines.get(3)).contains(prompts.get(2));
    }

    @Test
    void detectScoresAChosenSubsetAndRefusesWhatTheReplayCannotServe() throws Exception {
        Path replay = ReplayTestData.trajectory();
        Path p = dir.resolve("p.txt");
        Files.writeString(p, "A small kitchen with some quirky art decorations.\n");
        CliRun r = CliRun.of("detect", "--replay", replay.toString(), "--prompts", p.toString(), "--detector",
                "wen-full");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("A small kitchen", String.valueOf(
                ReplayTestData.expectedScores(replay, "wen-full")[2]).substring(0, 8));

        CliRun sharp = CliRun.of("detect", "--replay", replay.toString(), "--detector", "sharpness");
        assertThat(sharp.exitCode()).isEqualTo(2);
        assertThat(sharp.err()).contains("sharpness cannot run on replay:" + replay)
                .contains("needs exact Jacobian-vector products");
        CliRun full = CliRun.of("detect", "--replay", ReplayTestData.pure().toString(), "--detector", "wen-full");
        assertThat(full.exitCode()).isEqualTo(2);
        assertThat(full.err()).contains("record with --trajectory");

        Files.writeString(p, "an unrecorded prompt\n");
        CliRun unknown = CliRun.of("detect", "--replay", replay.toString(), "--prompts", p.toString(),
                "--detector", "anisotropy");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("'an unrecorded prompt' was not recorded").contains("4 prompts are recorded");

        CliRun none = CliRun.of("detect", "--detector", "anisotropy");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--prompts FILE is required for --model lab");
        CliRun missing = CliRun.of("detect", "--replay", dir.resolve("nowhere").toString(), "--detector", "anisotropy");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no replay manifest here");
    }

    @Test
    void compareWritesTheLabReportFilesAndListsSkippedDetectors() throws Exception {
        Path replay = ReplayTestData.trajectory();
        Path out = dir.resolve("cmp");
        CliRun r = CliRun.of("compare", "--replay", replay.toString(), "--out", out.toString(), "--backend", "cpu");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 positives vs 2 negatives").contains("speed-up vs wen-full")
                .contains("skipped sharpness: needs exact Jacobian-vector products of the model")
                .contains("skipped carlini: needs 8 images per prompt; the recording has 1");
        for (String d : List.of("anisotropy", "wen-first", "wen-full")) {
            assertThat(r.out()).containsPattern("(?m)^" + d + " ");
        }

        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.get("model").get("kind").asText()).isEqualTo("replay");
        assertThat(results.get("detectors")).hasSize(3);
        assertThat(results.get("detectors").get(2).get("forwardPassesPerPrompt").asDouble()).isEqualTo(100.0);
        assertThat(results.get("skipped")).hasSize(2);
        assertThat(results.get("skipped").get(0).get("detector").asText()).isEqualTo("sharpness");

        List<String> csv = Files.readAllLines(out.resolve("scores.csv"));
        assertThat(csv).hasSize(1 + 4);
        assertThat(csv.get(0)).isEqualTo("index,prompt,memorized,anisotropy,wen-first,wen-full");
        double[] wenFull = ReplayTestData.expectedScores(replay, "wen-full");
        String[] row = csv.get(3).split(",");   // prompt 2 has no comma
        assertThat(row[2]).isEqualTo("false");
        assertThat(Double.parseDouble(row[5])).isCloseTo(wenFull[2], within(1e-6));
        assertThat(ImageIO.read(out.resolve("roc.png").toFile())).isNotNull();
        assertThat(ImageIO.read(out.resolve("speed.png").toFile())).isNotNull();
        assertThat(Files.readString(out.resolve("report.md"))).contains("Replay of").contains("Skipped")
                .contains("`carlini` needs 8 images").contains("](roc.png)");
    }

    @Test
    void compareNeedsLabelledPrompts() throws Exception {
        Path copy = ReplayTestData.copy(ReplayTestData.pure(), dir.resolve("unlabelled"));
        Path m = copy.resolve("manifest.json");
        Files.writeString(m, Files.readString(m).replace("\"label\": \"nmem\"", "\"label\": null"));
        CliRun r = CliRun.of("compare", "--replay", copy.toString(), "--out", dir.resolve("o").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("compare needs prompts labelled mem and nmem").contains("6 mem and 0 nmem");
    }
}
