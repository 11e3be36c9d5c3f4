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
        // counted passes: anisotropy 2 timesteps x cond per prompt, the unconditional pair once for the 24 prompts
        assertThat(dets.get(0).get("forwardPassesPerPrompt").asDouble())
                .isCloseTo(2.0 + 2.0 / 24, org.assertj.core.api.Assertions.within(1e-12));
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
    void reportsTprAtThreePercentFprAsTheNearestRocPoint() throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("compare", "--quick", "--out", dir.toString(),
                "--detectors", "anisotropy"));
        args.addAll(List.of(SMALL_WORLD));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("TPR@3%FPR");
        JsonNode d = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("detectors").get(0);
        double[] fpr = nums(d.get("roc").get("fpr"));
        double[] tpr = nums(d.get("roc").get("tpr"));
        // np.argmin(np.abs(fpr - 0.03)): the first of equally near points (RocTest pins this against sklearn)
        int best = 0;
        for (int i = 1; i < fpr.length; i++) {
            if (Math.abs(fpr[i] - 0.03) < Math.abs(fpr[best] - 0.03)) {
                best = i;
            }
        }
        assertThat(d.get("tprAt3PctFprNearest").asDouble()).isEqualTo(tpr[best]);
        assertThat(Files.readString(dir.resolve("report.md"))).contains("TPR@3%FPR");
    }

    @Test
    void detectorSettingsReachTheDetectors() throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("compare", "--quick", "--out", dir.toString(),
                "--detectors", "anisotropy,wen-first", "--images", "2", "--seed", "7", "--g", "1,0",
                "--alignment", "x,x|c", "--preset", "sd1"));
        args.addAll(List.of(SMALL_WORLD));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        JsonNode dets = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("detectors");
        assertThat(dets.get(0).get("imagesPerPrompt").asInt()).isEqualTo(2);
        assertThat(dets.get(0).get("forwardPassesPerPrompt").asDouble())
                .isCloseTo(2 * (2.0 + 2.0 / 24), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(dets.get(1).get("imagesPerPrompt").asInt()).isEqualTo(2);
    }

    @Test
    void badDetectorSettingsAreUserErrorsNamingTheOption() {
        for (String[] bad : List.of(new String[] {"--g", "1"}, new String[] {"--g", "1,NaN"},
                new String[] {"--preset", "sd3"}, new String[] {"--alignment", "x,c"},
                new String[] {"--images", "0"}, new String[] {"--alignment-space", "v"})) {
            List<String> args = new java.util.ArrayList<>(List.of("compare", "--quick", "--out", dir.toString(),
                    "--detectors", "anisotropy"));
            args.addAll(List.of(bad));
            args.addAll(List.of(SMALL_WORLD));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", bad)).contains(bad[0]);
        }
    }

    private static double[] nums(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
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
