package dev.memscope.scan.score;

import java.io.Serializable;

/** A scored row: its input row, and one value per output column of the scan's detectors, in their order. */
public record ScoredRow(long rowId, String caption, String file, long line, double[] values) implements Serializable {
}
