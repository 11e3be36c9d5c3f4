package dev.memscope.scan.score;

import dev.memscope.scan.input.CaptionRow;
import java.io.Serializable;
import java.util.List;

/**
 * The unit of work shipped to executors: consecutive rows of one chunk, cut at fixed positions by the driver. Since
 * the batch, not the Spark partition, is what one detector call sees, scores do not depend on how many executors
 * or partitions there are.
 */
public record CaptionBatch(int chunk, List<CaptionRow> rows) implements Serializable {
    public CaptionBatch {
        rows = List.copyOf(rows);
    }
}
