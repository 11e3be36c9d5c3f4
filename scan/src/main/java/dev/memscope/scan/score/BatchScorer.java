package dev.memscope.scan.score;

import dev.memscope.detect.DetectionContext;
import dev.memscope.progress.Progress;
import dev.memscope.scan.input.CaptionRow;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Runs on the executors: scores every {@link CaptionBatch} of a Spark partition with the model this JVM keeps in
 * its {@link ModelPool}. A failure becomes one exception naming the chunk and rows, which the driver prints as one
 * line.
 */
public final class BatchScorer implements FlatMapFunction<Iterator<CaptionBatch>, ScoredRow>, Serializable {
    private final ModelKey model;
    private final List<ScanDetector> detectors;
    private final int latentsPerCall;

    /** @param latentsPerCall latents per denoiser call, as {@code detect --batch} */
    public BatchScorer(ModelKey model, List<ScanDetector> detectors, int latentsPerCall) {
        this.model = model;
        this.detectors = List.copyOf(detectors);
        this.latentsPerCall = latentsPerCall;
    }

    @Override
    public Iterator<ScoredRow> call(Iterator<CaptionBatch> batches) throws Exception {
        List<ScoredRow> out = new ArrayList<>();
        while (batches.hasNext()) {
            CaptionBatch b = batches.next();
            try {
                out.addAll(score(b));
            } catch (Exception | Error e) {
                List<CaptionRow> r = b.rows();
                throw new ScanTaskException(String.format(Locale.ROOT, "chunk %d, rows %d-%d: %s", b.chunk(),
                        r.get(0).rowId(), r.get(r.size() - 1).rowId(), e.getMessage() == null ? e.toString()
                                : e.getMessage()), e);
            }
        }
        return out.iterator();
    }

    /** Scores one batch in this JVM (also what the tests call to compare with {@code detect}). */
    public List<ScoredRow> score(CaptionBatch b) throws Exception {
        int n = b.rows().size();
        List<String> captions = new ArrayList<>(n);
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            captions.add(b.rows().get(i).caption());
            ids[i] = b.rows().get(i).rowId();
        }
        int width = 0;
        for (ScanDetector d : detectors) {
            width += d.columns().size();
        }
        double[][] cols = new double[width][n];
        ModelPool.Opened m = ModelPool.borrow(model);
        try {
            DetectionContext ctx = new DetectionContext(m.source().denoiser(), m.kernels(), latentsPerCall,
                    Progress.NONE);
            int c = 0;
            for (ScanDetector d : detectors) {
                double[][] part = new double[d.columns().size()][];
                System.arraycopy(cols, c, part, 0, part.length);
                d.score(captions, ids, ctx, part);
                c += part.length;
            }
        } finally {
            ModelPool.release(model, m);
        }
        List<ScoredRow> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] v = new double[width];
            for (int c = 0; c < width; c++) {
                v[c] = cols[c][i];
                if (!Double.isFinite(v[c])) {
                    throw new IllegalStateException("row " + ids[i] + ": column " + c + " is " + v[c]);
                }
            }
            CaptionRow r = b.rows().get(i);
            out.add(new ScoredRow(r.rowId(), r.caption(), r.file(), r.line(), v));
        }
        return out;
    }

    /** An executor-side failure, its message naming the chunk and rows. */
    public static final class ScanTaskException extends Exception {
        public ScanTaskException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
