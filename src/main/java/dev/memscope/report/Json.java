package dev.memscope.report;

import dev.memscope.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Pretty-printed JSON through Jackson (records, maps, lists, arrays and beans all work), written atomically.
 * JSON has no NaN or Infinity, and Jackson would otherwise quietly write them as strings or bare tokens; so the
 * value is first turned into a tree and every number checked, and the first non-finite one is refused with its
 * path, e.g. {@code $.detectors[2].auc}.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.writeString(file, toJson(file.toString(), value));
    }

    /** The pretty-printed JSON text (ending in a newline); {@code source} names the data in error messages. */
    public static String toJson(String source, Object value) {
        JsonNode tree = MAPPER.valueToTree(value);
        requireFinite(source, tree, "$");
        try {
            return MAPPER.writeValueAsString(tree) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(source + ": JSON serialization failed: " + e.getMessage(), e);
        }
    }

    private static void requireFinite(String source, JsonNode node, String path) {
        if (node.isNumber() && (node.isDouble() || node.isFloat())) {
            double d = node.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(source + ": field " + path + " is " + d
                        + "; JSON cannot hold NaN or Infinity");
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireFinite(source, node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                requireFinite(source, e.getValue(), path + "." + e.getKey());
            }
        }
    }
}
