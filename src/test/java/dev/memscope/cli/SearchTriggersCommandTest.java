package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** search-triggers and augment-trigger end to end on the testbed, tiny settings; resuming; user errors. */
class SearchTriggersCommandTest {
    @TempDir
    Path dir;

    @Test
    void searchesChecksWritesEveryFileAndResumesWithoutNewWork() throws Exception {
        Path out = dir.resolve("out");
        Path state = dir.resolve("state");
        String[] args = {"search-triggers", "--model", "testbed", "--chains", "1", "--iterations", "2", "--k", "4",
            "--length", "3", "--generations", "3", "--batch", "8", "--out", out.toString(), "--state",
            state.toString()};
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        JsonNode res = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode c = res.get("chains").get(0);
        // 1 initial prompt + 2 iterations x 4 candidates (the unconditional pass is shared by all chains)
        assertThat(c.get("searchPasses").asLong()).isEqualTo(9);
        assertThat(c.get("checkPasses").asLong()).isEqualTo(3 * 2 * 50);
        assertThat(c.get("bestPrompt").asText().split(" ")).hasSize(3);
        // the distinct item images of labels.csv's memorized captions (read here with a plain CSV split)
        long memorizedItems = Files.readAllLines(Path.of("models/testbed/labels.csv")).stream().skip(1)
                .map(l -> l.strip().split(",")).filter(f -> f[f.length - 1].equals("1"))
                .map(f -> f[f.length - 4]).distinct().count();
        assertThat(memorizedItems).isGreaterThanOrEqualTo(30);
        assertThat(res.get("memorizedImages").asInt()).isEqualTo((int) memorizedItems);
        // the testbed has a copy embedding: MemBench's clustering, 1 - cosine at eps 0.5
        assertThat(res.get("clusterDistance").asText()).isEqualTo("embedding");
        assertThat(res.get("clusterEps").asDouble()).isEqualTo(0.5);
        assertThat(res.get("recallVsBudget")).hasSize(1);
        assertThat(ImageIO.read(out.resolve("recall.png").toFile())).isNotNull();
        assertThat(Files.readString(out.resolve("report.md"))).contains("memorized images found");
        assertThat(state.resolve("chain-000.json")).exists();
        assertThat(state.resolve("chain-000-check.json")).exists();

        // resumed: every chain and check is complete, so the same results come back from the state files
        CliRun again = CliRun.of(args);
        assertThat(again.exitCode()).as(again.err()).isEqualTo(0);
        JsonNode c2 = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("chains").get(0);
        assertThat(c2.get("bestPrompt").asText()).isEqualTo(c.get("bestPrompt").asText());
        assertThat(c2.get("copies").asInt()).isEqualTo(c.get("copies").asInt());

        // other settings against the same state: refused, naming the file and the setting
        args[6] = "3";
        CliRun changed = CliRun.of(args);
        assertThat(changed.exitCode()).isEqualTo(2);
        assertThat(changed.err()).contains("chain-000.json").contains("iterations");
    }

    @Test
    void aModelWithoutCaptionsNeedsACorpus() {
        CliRun r = CliRun.of("search-triggers", "--model", "lab", "--out", dir.resolve("o").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--corpus FILE is required");
        CliRun bad = CliRun.of("search-triggers", "--model", "testbed", "--k", "0", "--out",
                dir.resolve("o").toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--k >= 1");
        CliRun distance = CliRun.of("search-triggers", "--model", "testbed", "--cluster-distance", "ssim", "--out",
                dir.resolve("o").toString(), "--state", dir.resolve("s").toString());
        assertThat(distance.exitCode()).isEqualTo(2);
        assertThat(distance.err()).contains("--cluster-distance must be embedding, rms or auto, got 'ssim'");
        CliRun inside = CliRun.of("search-triggers", "--model", "testbed", "--out", dir.resolve("o").toString(),
                "--state", dir.resolve("o").resolve("state").toString());
        assertThat(inside.exitCode()).isEqualTo(2);
        assertThat(inside.err()).contains("lies inside --out");
    }

    @Test
    void augmentTriggerWritesVariantsAtOrAboveTheThreshold() throws Exception {
        Path csv = dir.resolve("variants.csv");
        CliRun r = CliRun.of("augment-trigger", "--model", "testbed", "--prompt", "vintage crossed swords magnet",
                "--k", "6", "--max-iterations", "4", "--relative", "0.5", "--out", csv.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("trigger 'vintage crossed swords magnet': D = ");
        var lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("variant,D,edit_distance");
        String head = r.out().substring(r.out().indexOf("threshold ") + 10);
        double th = Double.parseDouble(head.substring(0, head.indexOf(';')));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            assertThat(Double.parseDouble(f[1])).isGreaterThanOrEqualTo(th - 1e-4);
            assertThat(Integer.parseInt(f[2])).isBetween(1, 4);
        }
    }
}
