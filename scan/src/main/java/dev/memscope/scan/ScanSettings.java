package dev.memscope.scan;

import dev.memscope.scan.input.InputSet;
import dev.memscope.scan.score.ModelKey;
import dev.memscope.scan.score.ScanDetector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One scan, validated: what to read, where to write, what to score it with and how to cut it.
 *
 * @param chunkRows      input rows per committed chunk (the unit of resumption and of progress)
 * @param batchRows      captions per detector call on an executor (the unit of work; fixed cut points, so scores do
 *                       not depend on the number of executors)
 * @param latentsPerCall latents per denoiser call inside a detector, as {@code detect --batch}
 * @param threshold      flag rows whose primary score is at least this, or null
 * @param topK           flag the K rows of highest primary score, ties to the lower row id (once every chunk is
 *                       committed, see {@link dev.memscope.scan.store.TopKFlags}), or null; not with a threshold
 * @param summaryRows    rows listed in summary.md/json
 */
public record ScanSettings(InputSet inputs, Path out, ModelKey model, List<ScanDetector> detectors, int chunkRows,
                           int batchRows, int latentsPerCall, Double threshold, Integer topK, int summaryRows) {

    public ScanSettings {
        detectors = List.copyOf(detectors);
        if (detectors.isEmpty()) {
            throw new IllegalArgumentException("--detectors: name at least one");
        }
        if (chunkRows < 1) {
            throw new IllegalArgumentException("--chunk-rows must be >= 1, got " + chunkRows);
        }
        if (batchRows < 1 || batchRows > chunkRows) {
            throw new IllegalArgumentException("--batch-rows must be in [1, --chunk-rows = " + chunkRows + "], got "
                    + batchRows);
        }
        if (latentsPerCall < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + latentsPerCall);
        }
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("--threshold must be finite, got " + threshold);
        }
        if (threshold != null && topK != null) {
            throw new IllegalArgumentException("--threshold " + threshold + " and --top-k " + topK
                    + " both choose the flagged rows: give one of them");
        }
        if (topK != null && topK < 1) {
            throw new IllegalArgumentException("--top-k must be >= 1, got " + topK);
        }
        if (summaryRows < 1) {
            throw new IllegalArgumentException("--summary-rows must be >= 1, got " + summaryRows);
        }
    }

    /** Every output column, detector by detector, each detector's score first. */
    public List<String> columns() {
        List<String> c = new ArrayList<>();
        for (ScanDetector d : detectors) {
            c.addAll(d.columns());
        }
        return c;
    }

    /** Whether the output has a flag column (a threshold or a top k); without one, {@code flagged} is null. */
    public boolean flags() {
        return threshold != null || topK != null;
    }

    /** The column ranked, flagged and plotted: the first detector's score. */
    public String primary() {
        return detectors.get(0).columns().get(0);
    }
}
