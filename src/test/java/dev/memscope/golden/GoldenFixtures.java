package dev.memscope.golden;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The committed golden folder, and small edited copies of it for tests that need a manifest to go wrong. */
public final class GoldenFixtures {
    private GoldenFixtures() {
    }

    /** golden-outputs/ of this checkout (surefire passes it as memscope.golden). */
    public static Path goldenDir() {
        return Path.of(System.getProperty("memscope.golden", "golden-outputs"));
    }

    /**
     * Copies the named cases (manifest entries and their files) into {@code target}, lets {@code editCase} change
     * each manifest entry and {@code editExpected} each expected output (given the case name), and returns {@code target}.
     */
    public static Path copyCases(Path target, Set<String> names, Consumer<ObjectNode> editCase,
                                 BiConsumer<String, double[]> editExpected) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(goldenDir().resolve(GoldenManifest.FILE_NAME).toFile());
        ArrayNode kept = json.createArrayNode();
        for (var c : root.withArray("cases")) {
            if (!names.contains(c.get("name").asText())) {
                continue;
            }
            for (var in : c.get("inputs")) {
                copy(in.get("file").asText(), target);
            }
            String out = c.get("output").get("file").asText();
            NpyArray expected = Npy.read(goldenDir().resolve(out));
            double[] values = expected.values();
            editExpected.accept(c.get("name").asText(), values);
            Npy.writeF64(target.resolve(out), expected.shape(), values);
            ObjectNode copy = ((ObjectNode) c).deepCopy();
            editCase.accept(copy);
            kept.add(copy);
        }
        if (kept.size() != names.size()) {
            throw new IllegalArgumentException("not all of " + names + " are golden cases");
        }
        root.set("cases", kept);
        json.writerWithDefaultPrettyPrinter().writeValue(target.resolve(GoldenManifest.FILE_NAME).toFile(), root);
        return target;
    }

    private static void copy(String relative, Path target) throws IOException {
        Path to = target.resolve(relative);
        Files.createDirectories(to.getParent());
        if (!Files.exists(to)) {
            Files.copy(goldenDir().resolve(relative), to);
        }
    }
}
