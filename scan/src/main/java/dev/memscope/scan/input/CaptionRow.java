package dev.memscope.scan.input;

import java.io.Serializable;

/**
 * One input row that passed {@link RowCheck}: its global row id (0-based over all input files in path order,
 * counting rejected rows too, so ids are stable across reruns), the caption, and where it came from.
 */
public record CaptionRow(long rowId, String caption, String file, long line) implements Serializable {
}
