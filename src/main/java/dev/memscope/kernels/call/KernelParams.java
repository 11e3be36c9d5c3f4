package dev.memscope.kernels.call;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code k=v} parameters of a kernel call as text, with typed, checked access. A per-sample parameter is one
 * number (used for every sample) or a comma-separated list with one number per sample.
 */
public final class KernelParams {
    private final String op;
    private final Map<String, String> values;

    public KernelParams(String op, Map<String, String> values) {
        this.op = op;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Parses {@code k=v} pairs; a key given twice is an error. */
    public static KernelParams parse(String op, Iterable<String> pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(op + ": parameter '" + p + "' is not of the form name=value");
            }
            String key = p.substring(0, eq).trim();
            if (map.put(key, p.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException(op + ": parameter " + key + " is given twice");
            }
        }
        return new KernelParams(op, map);
    }

    public Map<String, String> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Fails on a key the op does not take, listing the ones it does. */
    void allowOnly(java.util.Set<String> allowed) {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(op + ": unknown parameter '" + k + "'"
                        + (allowed.isEmpty() ? "; it takes none" : "; it takes " + String.join(", ", new TreeSet<>(allowed))));
            }
        }
    }

    String text(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    String requireText(String key, String hint) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(op + " needs --param " + key + "=..." + (hint.isEmpty() ? "" : " (" + hint + ")"));
        }
        return v;
    }

    double number(String key) {
        return parseDouble(key, requireText(key, ""));
    }

    int integer(String key) {
        String v = requireText(key, "");
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(op + ": parameter " + key + "='" + v + "' is not an integer");
        }
    }

    /** One value per sample: a single number is repeated, a list must have exactly {@code batch} entries. */
    float[] perSample(String key, int batch) {
        String v = requireText(key, "one number, or one per sample separated by commas");
        String[] parts = v.split(",");
        float[] out = new float[batch];
        if (parts.length == 1) {
            java.util.Arrays.fill(out, (float) parseDouble(key, parts[0]));
            return out;
        }
        if (parts.length != batch) {
            throw new IllegalArgumentException(op + ": parameter " + key + " has " + parts.length
                    + " values but the batch has " + batch + " samples");
        }
        for (int i = 0; i < batch; i++) {
            out[i] = (float) parseDouble(key + "[" + i + "]", parts[i]);
        }
        return out;
    }

    private double parseDouble(String key, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(op + ": parameter " + key + "='" + v + "' is not a number");
        }
    }
}
