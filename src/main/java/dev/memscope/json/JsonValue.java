package dev.memscope.json;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of a {@link JsonDocument} with its field path ({@code shards[2].sha256}); it may be missing. The typed
 * accessors check the type and throw a {@link JsonFormatException} naming the file, the line and column of the
 * value (of the enclosing object when the field is missing) and the path, so readers only state what they expect.
 */
public final class JsonValue {
    private final JsonDocument doc;
    private final JsonNode node;
    private final JsonPointer pointer;
    private final String path;

    JsonValue(JsonDocument doc, JsonNode node, JsonPointer pointer, String path) {
        this.doc = doc;
        this.node = node;
        this.pointer = pointer;
        this.path = path;
    }

    /** The field path as errors show it, {@code prompts[0].index}; empty for the document. */
    public String path() {
        return path;
    }

    /** The Jackson node, null when missing: for readers that inspect a value's form themselves. */
    public JsonNode node() {
        return node;
    }

    public boolean isMissing() {
        return node == null || node.isMissingNode();
    }

    /** Missing or JSON null. */
    public boolean isAbsent() {
        return isMissing() || node.isNull();
    }

    public boolean isObject() {
        return !isMissing() && node.isObject();
    }

    public boolean isArray() {
        return !isMissing() && node.isArray();
    }

    public boolean isNumber() {
        return !isMissing() && node.isNumber();
    }

    public boolean isText() {
        return !isMissing() && node.isTextual();
    }

    /** The field {@code key} of this object (missing when absent or when this is not an object). */
    public JsonValue get(String key) {
        JsonNode child = isObject() ? node.get(key) : null;
        return new JsonValue(doc, child, pointer.appendProperty(key), path.isEmpty() ? key : path + "." + key);
    }

    /** Element {@code i} of this array. */
    public JsonValue at(int i) {
        JsonNode child = isArray() ? node.get(i) : null;
        return new JsonValue(doc, child, pointer.appendIndex(i), path + "[" + i + "]");
    }

    /** Elements of an array, or the failure "must be a list" (with {@code what} saying of what). */
    public List<JsonValue> elements(String what) {
        if (!isArray()) {
            throw fail("must be a list of " + what + ", got " + shown());
        }
        List<JsonValue> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(at(i));
        }
        return out;
    }

    /** Fields of an object in file order, or the failure "must be an object". */
    public Map<String, JsonValue> fields() {
        if (!isObject()) {
            throw fail("must be an object, got " + shown());
        }
        Map<String, JsonValue> out = new LinkedHashMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            out.put(k, get(k));
        }
        return out;
    }

    public String string() {
        if (!isText()) {
            throw fail("must be a string, got " + shown());
        }
        return node.asText();
    }

    public String nonBlankString() {
        String s = string();
        if (s.isBlank()) {
            throw fail("must be a non-empty string");
        }
        return s;
    }

    public int integer() {
        if (isMissing() || !node.isIntegralNumber() || !node.canConvertToInt()) {
            throw fail("must be an integer, got " + shown());
        }
        return node.asInt();
    }

    public long longInteger() {
        if (isMissing() || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw fail("must be an integer, got " + shown());
        }
        return node.asLong();
    }

    /** A number token (NaN and Infinity included: callers say whether they accept them). */
    public double number() {
        if (!isNumber()) {
            throw fail("must be a number, got " + shown());
        }
        return node.asDouble();
    }

    public int[] ints() {
        if (!isArray()) {
            throw fail("must be a list of integers, got " + shown());
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = at(i).integer();
        }
        return out;
    }

    /** The value as JSON text for messages, {@code missing} when absent. */
    public String shown() {
        if (isMissing()) {
            return "nothing (missing)";
        }
        String s = node.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** An error at this value (at the nearest enclosing value present when it is missing). */
    public JsonFormatException fail(String problem) {
        int[] at = doc.locate(pointer);
        JsonPointer p = pointer;
        while (at[0] == 0 && !p.matches()) {
            p = p.head();
            at = doc.locate(p);
        }
        return new JsonFormatException(doc.file(), at[0], at[1], path, problem);
    }
}
