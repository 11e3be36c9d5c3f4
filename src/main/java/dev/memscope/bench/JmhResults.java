package dev.memscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memscope.json.JsonDocument;
import dev.memscope.json.JsonFormatException;
import dev.memscope.json.JsonValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads JMH {@code -rf json} files. Anything that is not JMH output (not JSON, not an array, an entry without
 * {@code benchmark}, {@code mode} or a numeric {@code primaryMetric.score}) is refused with the file, the line and
 * column, the entry index and the field in the message; so is an empty result list, which would otherwise compare
 * as "nothing changed".
 */
public final class JmhResults {

    private JmhResults() {
    }

    /** @throws IllegalArgumentException (a {@link JsonFormatException} when positioned) naming the file and field */
    public static List<JmhResult> read(Path file) throws IOException {
        JsonValue root;
        try {
            root = JsonDocument.read(file).root();
        } catch (JsonFormatException e) {
            if (e.line() == 0 && Files.size(file) == 0) {
                throw new IllegalArgumentException(file + ": empty file, expected JMH -rf json output");
            }
            throw e;
        }
        if (!root.isArray()) {
            throw root.fail("is not JMH output (expected a JSON array of benchmark results, found "
                    + describe(root.node()) + ")");
        }
        if (root.node().isEmpty()) {
            throw root.fail("holds no benchmark results (empty array)");
        }
        List<JmhResult> results = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        List<JsonValue> entries = root.elements("benchmark results");
        for (int i = 0; i < entries.size(); i++) {
            JmhResult r = parse(file.toString(), i, entries.get(i));
            if (!keys.add(r.mode() + " " + r.key())) {
                throw entries.get(i).fail("result " + i + " repeats " + r.key() + " (" + r.mode() + ")");
            }
            results.add(r);
        }
        return results;
    }

    private static JmhResult parse(String file, int index, JsonValue node) {
        String where = "result " + index;
        if (!node.isObject()) {
            throw node.fail(where + " is not JMH output (expected an object)");
        }
        String benchmark = text(node.get("benchmark"), where);
        where = where + " (" + benchmark + ")";
        JsonValue modeField = node.get("mode");
        String mode = text(modeField, where);
        try {
            Units.higherIsBetter(mode);
        } catch (IllegalArgumentException e) {
            throw modeField.fail(where + ": " + e.getMessage());
        }
        JsonValue pm = node.get("primaryMetric");
        if (!pm.isObject()) {
            throw pm.fail("is missing: " + where + " is not JMH output");
        }
        JsonValue scoreField = pm.get("score");
        double score = number(scoreField, where);
        if (!Double.isFinite(score)) {
            throw scoreField.fail(where + ": primaryMetric.score is " + score);
        }
        JsonValue unitField = pm.get("scoreUnit");
        String unit = text(unitField, where);
        try {
            Units.toCanonical(mode, unit);
        } catch (IllegalArgumentException e) {
            throw unitField.fail(where + ": " + e.getMessage());
        }
        double error = optionalNumber(pm.get("scoreError").node());
        double low = score;
        double high = score;
        JsonNode ci = pm.get("scoreConfidence").node();
        if (ci != null && ci.isArray() && ci.size() == 2
                && Double.isFinite(optionalNumber(ci.get(0))) && Double.isFinite(optionalNumber(ci.get(1)))) {
            low = ci.get(0).asDouble();
            high = ci.get(1).asDouble();
        } else if (Double.isFinite(error)) {
            low = score - error;
            high = score + error;
        }
        TreeMap<String, String> params = new TreeMap<>();
        JsonValue p = node.get("params");
        if (p.isObject()) {
            p.fields().forEach((k, v) -> params.put(k, v.node().asText()));
        }
        double median = score;
        JsonNode pct = pm.get("scorePercentiles").node();
        if (pct != null && Double.isFinite(optionalNumber(pct.get("50.0")))) {
            median = pct.get("50.0").asDouble();
        }
        Map<String, JmhResult.Metric> secondary = new LinkedHashMap<>();
        JsonValue s = node.get("secondaryMetrics");
        if (s.isObject()) {
            for (Map.Entry<String, JsonValue> e : s.fields().entrySet()) {
                double v = optionalNumber(e.getValue().get("score").node());
                JsonNode u = e.getValue().get("scoreUnit").node();
                if (Double.isFinite(v)) {
                    secondary.put(e.getKey(), new JmhResult.Metric(v, u == null ? "" : u.asText()));
                }
            }
        }
        return new JmhResult(file, benchmark, mode, Collections.unmodifiableSortedMap(params), score, error,
                low, high, unit, median,
                Collections.unmodifiableMap(secondary));
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "an object with fields " + iterableToList(node.fieldNames());
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().toString().toLowerCase();
        };
    }

    private static List<String> iterableToList(Iterator<String> it) {
        List<String> names = new ArrayList<>();
        while (it.hasNext() && names.size() < 5) {
            names.add(it.next());
        }
        return names;
    }

    private static String text(JsonValue v, String where) {
        if (!v.isText() || v.node().asText().isBlank()) {
            throw v.fail("is missing: " + where + " is not JMH output");
        }
        return v.node().asText();
    }

    /** JMH writes NaN and Infinity as strings; anything else that is not a number is refused. */
    private static double number(JsonValue v, String where) {
        if (!(v.isNumber() || v.isText())) {
            throw v.fail("is missing: " + where + " is not JMH output");
        }
        double d = optionalNumber(v.node());
        if (Double.isNaN(d) && !"NaN".equals(v.node().asText())) {
            throw v.fail("is not a number: " + v.shown());
        }
        return d;
    }

    /** JMH writes "NaN" (a string) where it has no error estimate; missing or non-numeric reads as NaN. */
    private static double optionalNumber(JsonNode v) {
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        try {
            return Double.parseDouble(v.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
