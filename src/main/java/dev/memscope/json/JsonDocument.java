package dev.memscope.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way MemScope reads a JSON file (manifests, configs, JMH results): Jackson's tree, bounded in size and
 * depth so a hostile or broken file is refused with one line instead of exhausting the heap or the stack, and
 * errors positioned by file, line, column and field path ({@link JsonValue#fail}).
 *
 * <p>Tree nodes carry no positions, so a position is found only when an error needs one, by scanning the file
 * again for the field's path: errors are rare and files small, and valid files pay nothing.
 */
public final class JsonDocument {
    /** Largest file read: the biggest legitimate input (a full JMH run) is a few MB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** Deepest nesting accepted: MemScope's formats nest at most 5 levels. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private final Path file;
    private final byte[] bytes;
    private final JsonFactory factory;
    private final JsonValue root;

    private JsonDocument(Path file, byte[] bytes, JsonFactory factory, JsonNode root) {
        this.file = file;
        this.bytes = bytes;
        this.factory = factory;
        this.root = new JsonValue(this, root, JsonPointer.empty(), "");
    }

    /** Reads {@code file} with the default limits; NaN and Infinity are accepted as number tokens. */
    public static JsonDocument read(Path file) throws IOException {
        return read(file, DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);
    }

    /**
     * @throws JsonFormatException when the file is too large, too deep, empty or not JSON (positioned)
     * @throws IOException when it cannot be read (NoSuchFileException when absent)
     */
    public static JsonDocument read(Path file, long maxBytes, int maxDepth) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new JsonFormatException(file, 0, 0, "", "is " + size + " bytes, more than the " + maxBytes
                    + " this reader accepts");
        }
        byte[] bytes = Files.readAllBytes(file);
        JsonFactory factory = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        JsonNode root;
        try {
            root = new ObjectMapper(factory).readTree(bytes);
        } catch (StreamConstraintsException e) {
            // Jackson's own text names its API, not the file's problem; the only constraint set here is the depth
            throw new JsonFormatException(file, 0, 0, "", "is refused: nested deeper than " + maxDepth + " levels");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new JsonFormatException(file, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(), "",
                    "is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new JsonFormatException(file, 0, 0, "", "is empty, expected a JSON document");
        }
        return new JsonDocument(file, bytes, factory, root);
    }

    public Path file() {
        return file;
    }

    public JsonValue root() {
        return root;
    }

    /** Line and column of the value at {@code pointer}, or {0, 0} when it cannot be found. */
    int[] locate(JsonPointer pointer) {
        try (JsonParser p = factory.createParser(bytes)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    continue;
                }
                JsonStreamContext ctx = p.getParsingContext();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    ctx = ctx.getParent();
                }
                if (ctx != null && ctx.pathAsPointer().equals(pointer)) {
                    JsonLocation at = p.currentTokenLocation();
                    return new int[] {at.getLineNr(), at.getColumnNr()};
                }
            }
        } catch (IOException e) {
            // the tree was read from these bytes, so this cannot fail; the error is still reported, unpositioned
        }
        return new int[] {0, 0};
    }
}
