package dev.memscope.scan.input;

import java.nio.file.Path;
import java.util.Locale;

/** The input formats, by file extension; anything else in a folder is ignored, a file named directly is an error. */
public enum InputFormat {
    TEXT, JSONL, CSV, PARQUET;

    /** The format of a file name, or null for a name scan does not read. */
    static InputFormat of(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".txt")) {
            return TEXT;
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return JSONL;
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        if (n.endsWith(".parquet")) {
            return PARQUET;
        }
        return null;
    }
}
