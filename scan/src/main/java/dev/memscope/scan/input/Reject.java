package dev.memscope.scan.input;

/**
 * An input row that cannot be scored, with why. {@code excerpt} is the start of what was read (invalid UTF-8
 * replaced), for a person to find the row; the row id keeps its place in the input.
 */
public record Reject(long rowId, String file, long line, String reason, String excerpt) {
    /** Longest excerpt kept in the rejects file. */
    public static final int EXCERPT_CHARS = 200;
}
