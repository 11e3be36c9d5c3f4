package dev.memscope.scan.input;

/**
 * What a reader found in one row before checking: the caption's bytes (null for a missing value), or a problem
 * the reader already saw (malformed JSON, a short CSV record, an over-long line).
 *
 * @param line 1-based line of a text, jsonl or CSV file, or 1-based row of a Parquet file
 */
record RawRecord(long line, byte[] caption, String problem) {
    static RawRecord of(long line, byte[] caption) {
        return new RawRecord(line, caption, null);
    }

    static RawRecord bad(long line, String problem, byte[] seen) {
        return new RawRecord(line, seen, problem);
    }
}
