package dev.memscope.model.lab;

import dev.memscope.json.JsonDocument;
import dev.memscope.json.JsonValue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The seeded recipe of a lab world. Every knob has a key (used in JSON config files, {@code --set key=value}, and
 * the exported {@code world.json}); every value is validated on the way in and errors name the key, and the file
 * and line when it came from a file.
 *
 * <p>The knobs that make detection hard: {@code duplicateMin} / {@code duplicateAlpha} (low, heavy-tailed copy
 * counts: most memorized images are copied only a few times), {@code sharedWordFraction} (generic captions borrow
 * words from memorized captions, so their embeddings compete with the trigger's), {@code embeddingNoise} (component
 * keys sit off the prompt's exact embedding), and {@code beta} (how sharply text selects components).
 *
 * <p>Why {@code beta} is large (1e5) and {@code uncondMemWeight} small (3e-4): see docs/lab.md, "Why the default
 * is what it is". In short, log-likelihoods in D = 4096 dimensions differ by thousands of nats (pure noise fed at
 * t = 41 is ~4e4 nats less likely under a memorized image than under a broad cluster), so a text prior of a few
 * tens of nats cannot pin a memorized prompt's conditional to its image the way a trained network does; and an
 * unconditional prior that holds each memorized image with its full copy count snaps onto that image as soon as a
 * trajectory nears it, so ||eps_c - eps_u|| vanished after ~5 of 50 steps for memorized prompts (Wen's signal
 * inverted). SD's unconditional model rarely produces a memorized image.
 */
public final class LabConfig {

    private enum Kind { INT, LONG, POSITIVE, NON_NEGATIVE, FRACTION, STRING }

    private static final Map<String, Object[]> SCHEMA = new LinkedHashMap<>();

    static {
        key("seed", Kind.LONG, 2024L, "seed of every random choice (images, counts, captions, noise)");
        key("memPrompts", Kind.STRING, "sd1_mem.txt", "memorized prompts: a path, or a name under <shared>/data");
        key("nmemPrompts", Kind.STRING, "sd1_nmem.txt", "non-memorized prompts: a path, or a name under <shared>/data");
        key("memLimit", Kind.INT, 0, "use only the first N memorized prompts (0: all)");
        key("nmemLimit", Kind.INT, 0, "use only the first N non-memorized prompts (0: all)");
        key("genericComponents", Kind.INT, 1024, "broad components with generated captions (the bulk of the data)");
        key("channels", Kind.INT, 4, "latent channels C");
        key("height", Kind.INT, 32, "latent height H (64 is the SD shape)");
        key("width", Kind.INT, 32, "latent width W (64 is the SD shape)");
        key("embeddingDim", Kind.INT, 256, "text embedding dimension E");
        key("beta", Kind.POSITIVE, 1e5, "text sharpness: pi_k(c) ~ n_k exp(beta <c, e_k>)");
        key("uncondMemWeight", Kind.POSITIVE, 3e-4, "unconditional prior of a memorized image: pi_k(null) ~ w n_k");
        key("memSigma2", Kind.POSITIVE, 1e-3, "variance of a memorized component (its copies are near identical)");
        key("broadSigma2", Kind.POSITIVE, 0.9, "variance of non-memorized and generic components");
        key("duplicateMin", Kind.POSITIVE, 40.0, "Pareto scale of memorized copy counts (the minimum)");
        key("duplicateAlpha", Kind.POSITIVE, 1.1, "Pareto tail index of memorized copy counts (lower: heavier tail)");
        key("duplicateMax", Kind.POSITIVE, 5000.0, "cap on a memorized copy count");
        key("broadCountMin", Kind.POSITIVE, 1.0, "Pareto scale of non-memorized cluster sizes");
        key("genericCountMin", Kind.POSITIVE, 2000.0, "Pareto scale of generic cluster sizes");
        key("broadCountAlpha", Kind.POSITIVE, 1.5, "Pareto tail index of non-memorized and generic cluster sizes");
        key("sharedWordFraction", Kind.FRACTION, 0.5, "share of generic caption words taken from memorized captions");
        key("embeddingNoise", Kind.NON_NEGATIVE, 0.3, "norm of the noise added to each component key e_k");
        key("meanScale", Kind.POSITIVE, 0.3, "per-element standard deviation of the component means (images)");
        key("correlationLength", Kind.NON_NEGATIVE, 2.0, "smoothness of the training images, in latent pixels");
    }

    private static void key(String name, Kind kind, Object def, String doc) {
        SCHEMA.put(name, new Object[] {kind, def, doc});
    }

    private final Map<String, Object> values;

    private LabConfig(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public static LabConfig defaults() {
        Map<String, Object> v = new LinkedHashMap<>();
        SCHEMA.forEach((k, spec) -> v.put(k, spec[1]));
        return new LabConfig(v);
    }

    /** A copy with one key changed; the value is parsed from text or taken as a number, and validated. */
    public LabConfig with(String key, Object value) {
        return with(key, value, "config key '" + key + "'");
    }

    private LabConfig with(String key, Object value, String where) {
        Object[] spec = SCHEMA.get(key);
        if (spec == null) {
            throw new IllegalArgumentException(where + ": unknown key; known keys: " + String.join(", ", SCHEMA.keySet()));
        }
        Map<String, Object> v = new LinkedHashMap<>(values);
        v.put(key, coerce((Kind) spec[0], value, where));
        return new LabConfig(v);
    }

    /** Applies {@code key=value} assignments, as given on the command line. */
    public LabConfig withAssignments(Iterable<String> assignments) {
        LabConfig c = this;
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("config assignment '" + a + "' is not key=value");
            }
            c = c.with(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        return c;
    }

    /**
     * Reads a JSON object of keys to values over the defaults. Errors name the file, the line and the key:
     * unknown keys, wrong types, out-of-range or non-finite values ({@code NaN}/{@code Infinity} are parsed so they
     * can be reported by key).
     */
    public static LabConfig read(Path file) throws IOException {
        return read(file, defaults());
    }

    /** As {@link #read(Path)}, over the given base config instead of the defaults (recipes with other defaults). */
    public static LabConfig read(Path file, LabConfig base) throws IOException {
        JsonValue root;
        try {
            root = JsonDocument.read(file).root();
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such config file");
        }
        if (!root.isObject()) {
            throw root.fail("must be a JSON object (a lab config), got " + root.shown());
        }
        LabConfig c = base;
        for (Map.Entry<String, JsonValue> field : root.fields().entrySet()) {
            String key = field.getKey();
            JsonValue v = field.getValue();
            Object value;
            if (v.isText()) {
                value = v.string();
            } else if (v.isNumber() && v.node().isIntegralNumber()) {
                value = v.longInteger();
            } else if (v.isNumber()) {
                value = v.number();
            } else {
                throw v.fail("must be a number or string, got " + v.shown());
            }
            String where = "key '" + key + "'";
            try {
                c = c.with(key, value, where);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw v.fail(m.startsWith(where + ": ") ? m.substring(where.length() + 2) : m);
            }
        }
        return c;
    }

    private static Object coerce(Kind kind, Object value, String where) {
        if (kind == Kind.STRING) {
            String s = String.valueOf(value);
            if (s.isBlank()) {
                throw new IllegalArgumentException(where + ": must not be blank");
            }
            return s;
        }
        double d;
        if (value instanceof Number n) {
            d = n.doubleValue();
        } else {
            try {
                d = Double.parseDouble(String.valueOf(value));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": '" + value + "' is not a number");
            }
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(where + ": must be finite, got " + d);
        }
        switch (kind) {
            case INT -> {
                if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(where + ": must be a non-negative integer, got " + value);
                }
                return (int) d;
            }
            case LONG -> {
                if (value instanceof Long || value instanceof Integer) {
                    return ((Number) value).longValue();
                }
                try {
                    return Long.parseLong(String.valueOf(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": must be an integer, got " + value);
                }
            }
            case POSITIVE -> {
                if (!(d > 0)) {
                    throw new IllegalArgumentException(where + ": must be > 0, got " + d);
                }
                return d;
            }
            case NON_NEGATIVE -> {
                if (d < 0) {
                    throw new IllegalArgumentException(where + ": must be >= 0, got " + d);
                }
                return d;
            }
            case FRACTION -> {
                if (d < 0 || d > 1) {
                    throw new IllegalArgumentException(where + ": must be in [0, 1], got " + d);
                }
                return d;
            }
            default -> throw new AssertionError(kind);
        }
    }

    public int getInt(String key) {
        return (Integer) get(key);
    }

    public long getLong(String key) {
        return (Long) get(key);
    }

    public double getDouble(String key) {
        return (Double) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    private Object get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown config key '" + key + "'");
        }
        return v;
    }

    /** Every key and value, in schema order (for world.json). */
    public Map<String, Object> asMap() {
        return values;
    }

    /** Key to one-line description, for help and docs. */
    public static Map<String, String> documentation() {
        Map<String, String> m = new LinkedHashMap<>();
        SCHEMA.forEach((k, spec) -> m.put(k, (String) spec[2]));
        return m;
    }

    @Override
    public String toString() {
        return "LabConfig" + values;
    }
}
