package dev.memscope.source;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A parsed {@code --model} value: {@code lab}, {@code testbed} (the installation's models/testbed),
 * {@code testbed:DIR}, {@code onnx:DIR} or {@code replay:DIR}. {@code dir} is null for lab and the default testbed.
 */
public record ModelSpec(Kind kind, Path dir) {

    /** The kinds of source, by their {@code --model} prefix. */
    public enum Kind {
        LAB, TESTBED, ONNX, REPLAY;

        String prefix() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the source knows its own prompt list ({@link ModelSource#allPrompts()}), before opening it. */
        public boolean listsPrompts() {
            return this == REPLAY || this == TESTBED;
        }
    }

    public static final ModelSpec LAB = new ModelSpec(Kind.LAB, null);

    public ModelSpec {
        if (kind == null) {
            throw new IllegalArgumentException("model kind is null");
        }
        if ((kind == Kind.ONNX || kind == Kind.REPLAY) && dir == null) {
            throw new IllegalArgumentException("--model " + kind.prefix() + " needs a folder: " + kind.prefix()
                    + ":DIR");
        }
        if (kind == Kind.LAB && dir != null) {
            throw new IllegalArgumentException("--model lab takes no folder (the lab is built from its config)");
        }
    }

    /** Parses {@code --model}; the error names the value and the accepted forms. */
    public static ModelSpec parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--model: empty; use lab, testbed[:DIR], onnx:DIR or replay:DIR");
        }
        String v = value.trim();
        int colon = v.indexOf(':');
        String head = (colon < 0 ? v : v.substring(0, colon)).toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? null : v.substring(colon + 1);
        for (Kind k : Kind.values()) {
            if (k.prefix().equals(head)) {
                if (rest != null && rest.isEmpty()) {
                    throw new IllegalArgumentException("--model '" + value + "': no folder after '" + head + ":'");
                }
                return new ModelSpec(k, rest == null ? null : Path.of(rest));
            }
        }
        throw new IllegalArgumentException("--model '" + value + "': unknown source '" + head
                + "'; use lab, testbed[:DIR], onnx:DIR or replay:DIR");
    }

    /** The value as the user would write it. */
    @Override
    public String toString() {
        return dir == null ? kind.prefix() : kind.prefix() + ":" + dir;
    }
}
