package dev.memscope.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The testbed benchmarks' model folder and prompts: the first {@code n/2} memorized and {@code n/2} other captions of
 * models/testbed/labels.csv (run from the repository root, as scripts/bench.sh does). Captions of the testbed hold no
 * commas or quotes, so a plain split suffices here; the product's reader is RFC 4180.
 */
final class TestbedPrompts {
    static final Path MODELS = Path.of("models", "testbed");
    static final Path ONNX = MODELS.resolve("onnx");

    private TestbedPrompts() {
    }

    static List<String> first(int n) throws IOException {
        List<String> mem = new ArrayList<>();
        List<String> other = new ArrayList<>();
        List<String> lines = Files.readAllLines(MODELS.resolve("labels.csv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f.length != 6 || line.contains("\"")) {
                throw new IOException(MODELS.resolve("labels.csv") + ": unexpected row '" + line + "'");
            }
            (f[5].equals("1") ? mem : other).add(f[0]);
        }
        List<String> out = new ArrayList<>(mem.subList(0, n / 2));
        out.addAll(other.subList(0, n - n / 2));
        return out;
    }
}
