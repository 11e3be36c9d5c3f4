package dev.memscope.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * {@code benchmark}, {@code mode} or a numeric {@code primaryMetric.score}) is refused with the file, the entry
 * index and the missing field in the message; so is an empty result list, which would otherwise compare as
 * "nothing changed".
 */
public final class JmhResults {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JmhResults() {
    }

    public static List<JmhResult> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not JSON (line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage() + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException(file + ": empty file, expected JMH -rf json output");
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException(file + ": not JMH output (expected a JSON array of benchmark "
                    + "results, found " + describe(root) + ")");
        }
        if (root.isEmpty()) {
            throw new IllegalArgumentException(file + ": no benchmark results (empty array)");
        }
        List<JmhResult> results = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < root.size(); i++) {
            JmhResult r = parse(file.toString(), i, root.get(i));
            if (!keys.add(r.mode() + " " + r.key())) {
                throw new IllegalArgumentException(file + ": result " + i + " repeats " + r.key()
                        + " (" + r.mode() + ")");
            }
            results.add(r);
        }
        return Collections.unmodifiableList(results);
    }

    private static JmhResult parse(String file, int index, JsonNode node) {
        String where = file + ": result " + index;
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": not JMH output (expected an object)");
        }
        String benchmark = text(node, "benchmark", where);
        where = where + " (" + benchmark + ")";
        String mode = text(node, "mode", where);
        try {
            Units.higherIsBetter(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        JsonNode pm = node.get("primaryMetric");
        if (pm == null || !pm.isObject()) {
            throw new IllegalArgumentException(where + ": not JMH output, missing 'primaryMetric'");
        }
        double score = number(pm, "score", where + ": primaryMetric");
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException(where + ": primaryMetric.score is " + score);
        }
        String unit = text(pm, "scoreUnit", where + ": primaryMetric");
        try {
            Units.toCanonical(mode, unit);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        double error = optionalNumber(pm.get("scoreError"));
        double low = score;
        double high = score;
        JsonNode ci = pm.get("scoreConfidence");
        if (ci != null && ci.isArray() && ci.size() == 2
                && Double.isFinite(optionalNumber(ci.get(0))) && Double.isFinite(optionalNumber(ci.get(1)))) {
            low = ci.get(0).asDouble();
            high = ci.get(1).asDouble();
        } else if (Double.isFinite(error)) {
            low = score - error;
            high = score + error;
        }
        TreeMap<String, String> params = new TreeMap<>();
        JsonNode p = node.get("params");
        if (p != null && p.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
        }
        double median = score;
        JsonNode pct = pm.get("scorePercentiles");
        if (pct != null && Double.isFinite(optionalNumber(pct.get("50.0")))) {
            median = pct.get("50.0").asDouble();
        }
        Map<String, JmhResult.Metric> secondary = new LinkedHashMap<>();
        JsonNode s = node.get("secondaryMetrics");
        if (s != null && s.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                double v = optionalNumber(e.getValue().get("score"));
                JsonNode u = e.getValue().get("scoreUnit");
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

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": not JMH output, missing '" + field + "'");
        }
        return v.asText();
    }

    private static double number(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !(v.isNumber() || v.isTextual())) {
            throw new IllegalArgumentException(where + ": not JMH output, missing '" + field + "'");
        }
        double d = optionalNumber(v);
        if (Double.isNaN(d) && !"NaN".equals(v.asText())) {
            throw new IllegalArgumentException(where + ": '" + field + "' is not a number: " + v);
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
