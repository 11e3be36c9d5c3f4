package dev.memscope.model.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.TensorF32;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/record_eps.py shares one x_T across prompts by default, as the anisotropy authors do (set_seed before
 * every prompt), and keeps seed + i per prompt under {@code --noise per-prompt}. Runs the script on the tiny test
 * model with /usr/bin/python3 (NumPy + PyTorch); skipped where that interpreter lacks torch.
 */
class RecordEpsNoiseTest {
    private static final String PY = "/usr/bin/python3";
    private static final Path TINY = Path.of("src/test/resources/dev/memscope/model/onnx/tiny");

    @TempDir
    Path dir;

    private static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder(PY, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<float[]> record(String name, String... extra) throws Exception {
        Path prompts = dir.resolve("p.txt");
        Files.writeString(prompts, "a red apple\nvintage crossed swords magnet\nsunset over hills\n");
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of(PY, "scripts/record_eps.py", "--tiny", TINY.toString(),
                "--prompts", prompts.toString(), "--out", out.toString(), "--seed", "3"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        List<float[]> xs = new ArrayList<>();
        for (JsonNode s : m.get("shards")) {
            if (s.get("field").asText().equals("noise")) {
                TensorF32 t = Npy.readTensor(out.resolve(s.get("file").asText()));
                int per = t.shape().sampleSize();
                for (int i = 0; i < t.batch(); i++) {
                    xs.add(Arrays.copyOfRange(t.data(), i * per, (i + 1) * per));
                }
            }
        }
        assertThat(xs).hasSize(3);
        return xs;
    }

    @Test
    void oneXtForEveryPromptByDefaultAndSeedPlusIOnRequest() throws Exception {
        assumeTrue(torchAvailable(), PY + " with torch and numpy is needed");
        List<float[]> shared = record("shared");
        assertThat(shared.get(1)).containsExactly(shared.get(0));
        assertThat(shared.get(2)).containsExactly(shared.get(0));
        List<float[]> per = record("per", "--noise", "per-prompt");
        assertThat(per.get(0)).containsExactly(shared.get(0));   // prompt 0: seed + 0 = the shared seed
        assertThat(Arrays.equals(per.get(1), per.get(0))).isFalse();
        assertThat(Arrays.equals(per.get(2), per.get(1))).isFalse();
    }
}
