package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code memscope compare} end to end on a small lab world: the table, and every file it promises. */
class CompareCommandTest {

    @TempDir
    Path dir;

    private static final String[] SMALL_WORLD = {"--set", "memLimit=12", "--set", "nmemLimit=12",
        "--set", "genericComponents=32", "--set", "height=8", "--set", "width=8", "--backend", "cpu"};

    @Test
    void writesTheTableAndEveryReportFile() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = MemScope.commandLine();
        cl.setOut(new PrintWriter(out));
        List<String> args = new java.util.ArrayList<>(List.of("compare", "--quick", "--out", dir.toString(),
                "--detectors", "anisotropy,wen-first,wen-full"));
        args.addAll(List.of(SMALL_WORLD));
        assertThat(cl.execute(args.toArray(String[]::new))).isEqualTo(0);

        String text = out.toString();
        assertThat(text).contains("12 positives vs 12 negatives").contains("speed-up vs wen-full");
        for (String d : List.of("anisotropy", "wen-first", "wen-full")) {
            assertThat(text).containsPattern("(?m)^" + d + " ");
        }

        JsonNode results = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertThat(results.get("positives").asInt()).isEqualTo(12);
        JsonNode dets = results.get("detectors");
        assertThat(dets).hasSize(3);
        for (JsonNode d : dets) {
            assertThat(d.get("auc").asDouble()).isBetween(0.0, 1.0);
            assertThat(d.get("roc").get("fpr").size()).isEqualTo(d.get("roc").get("tpr").size());
        }
        // declared cost and counted passes agree: anisotropy 2 timesteps x (cond + uncond) per image
        assertThat(dets.get(0).get("forwardPassesPerPrompt").asDouble()).isEqualTo(4.0);
        assertThat(dets.get(2).get("speedupVsWenFull").asDouble()).isEqualTo(1.0);
        assertThat(dets.get(0).get("speedupVsWenFull").asDouble()).isGreaterThan(1.0);

        List<String> csv = Files.readAllLines(dir.resolve("scores.csv"));
        assertThat(csv).hasSize(1 + 24);
        assertThat(csv.get(0)).isEqualTo("index,prompt,memorized,anisotropy,wen-first,wen-full");
        assertThat(ImageIO.read(dir.resolve("roc.png").toFile())).isNotNull();
        assertThat(ImageIO.read(dir.resolve("speed.png").toFile())).isNotNull();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("](roc.png)").contains("| anisotropy");
    }

    @Test
    void anUnknownDetectorIsAUserError() {
        StringWriter err = new StringWriter();
        CommandLine cl = MemScope.commandLine();
        cl.setErr(new PrintWriter(err));
        List<String> args = new java.util.ArrayList<>(List.of("compare", "--quick", "--out", dir.toString(),
                "--detectors", "nonsense"));
        args.addAll(List.of(SMALL_WORLD));
        assertThat(cl.execute(args.toArray(String[]::new))).isEqualTo(2);
        assertThat(err.toString()).contains("nonsense");
    }
}
