package dev.memscope.scan;

import dev.memscope.scan.input.CaptionRow;
import dev.memscope.scan.input.InputRows;
import dev.memscope.scan.input.Reject;
import dev.memscope.scan.input.RowCheck;
import dev.memscope.scan.score.BatchScorer;
import dev.memscope.scan.score.CaptionBatch;
import dev.memscope.scan.score.ScanDetector;
import dev.memscope.scan.score.ScoredRow;
import dev.memscope.scan.store.ChunkStore;
import dev.memscope.scan.store.ScanManifest;
import dev.memscope.scan.store.TopKFlags;
import dev.memscope.scan.summary.ScanSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver's loop. The driver streams the input in row order, cuts it into chunks of {@code chunkRows} rows and
 * each chunk into batches of {@code batchRows} captions; Spark spreads the batches of a chunk over the executors,
 * which score them ({@link BatchScorer}); the driver collects the chunk's scores and commits them
 * ({@link ChunkStore}). Reading and writing on the driver cost microseconds per row against milliseconds of
 * scoring, and give fixed row ids and chunk boundaries with no shuffle, and an output that needs no shared file
 * system. A committed chunk is skipped on a rerun (its rows are still read, to keep the numbering).
 */
public final class ScanRunner {
    private static final Pattern TASK_ERROR = Pattern.compile("ScanTaskException: ([^\\n]*)");

    /** What one run did. */
    public record Outcome(int chunks, int chunksScored, int chunksSkipped, long rows, long rowsScoredThisRun,
                          double seconds, ScanSummary.Result summary) {
    }

    private final JavaSparkContext spark;
    private final PrintStream log;

    public ScanRunner(JavaSparkContext spark, PrintStream log) {
        this.spark = spark;
        this.log = log;
    }

    public Outcome run(ScanSettings s) throws IOException {
        s.inputs().checkColumns();
        ChunkStore store = new ChunkStore(s.out());
        java.nio.file.Files.createDirectories(s.out());
        ScanManifest.writeOrCheck(s.out(), ScanManifest.of(s.inputs(), s.model().model(),
                s.detectors().stream().map(ScanDetector::cliName).toList(), s.chunkRows(), s.batchRows(),
                s.latentsPerCall(), s.threshold(), s.topK()));
        int dropped = store.recover();
        if (dropped > 0) {
            log.printf(Locale.ROOT, "scan: removed %d file(s) of chunks an earlier run did not commit%n", dropped);
        }
        long total = s.inputs().countRows();
        if (total == 0) {
            throw new IllegalArgumentException("--input: no rows in " + s.inputs().files().size() + " file(s)");
        }
        int chunks = (int) Math.min(Integer.MAX_VALUE, (total + s.chunkRows() - 1) / s.chunkRows());
        int done = 0;
        for (int k = 0; k < chunks; k++) {
            done += store.committed(k) ? 1 : 0;
        }
        if (done < chunks) {
            TopKFlags.invalidate(store);   // before the first new commit: a kill must not leave stale flags final
        }
        log.printf(Locale.ROOT, "scan: %d rows in %d file(s), %d chunks of %d rows (%d already done), model %s, "
                        + "detectors %s, %d task slots%n", total, s.inputs().files().size(), chunks, s.chunkRows(),
                done, s.model().model(), String.join(",", s.detectors().stream().map(ScanDetector::cliName).toList()),
                spark.defaultParallelism());
        BatchScorer scorer = new BatchScorer(s.model(), s.detectors(), s.latentsPerCall());
        long start = System.nanoTime();
        long rowsThisRun = 0;
        long rowsLeft = total - countCommittedRows(store, chunks, s.chunkRows(), total);
        int scoredChunks = 0;
        int skipped = 0;
        List<String> columns = s.columns();
        try (InputRows rows = s.inputs().rows()) {
            for (int k = 0; k < chunks; k++) {
                long first = (long) k * s.chunkRows();
                List<CaptionRow> good = new ArrayList<>();
                List<Reject> bad = new ArrayList<>();
                long n = 0;
                for (; n < s.chunkRows(); n++) {
                    RowCheck.Outcome o = rows.next();
                    if (o == null) {
                        break;
                    }
                    if (o.row() != null) {
                        good.add(o.row());
                    } else {
                        bad.add(o.reject());
                    }
                }
                if (store.committed(k)) {
                    skipped++;
                    continue;
                }
                long t0 = System.nanoTime();
                List<ScoredRow> scored = score(k, first, n, good, s.batchRows(), scorer);
                double secs = (System.nanoTime() - t0) / 1e9;
                store.commit(k, columns, s.model().model(), scored, bad, s.threshold(), first, n, secs);
                scoredChunks++;
                rowsThisRun += n;
                rowsLeft -= n;
                double elapsed = (System.nanoTime() - start) / 1e9;
                double rate = rowsThisRun / elapsed;
                log.printf(Locale.ROOT, "scan: chunk %d/%d rows %d-%d: %d scored, %d rejected in %.1f s (%.0f rows/s);"
                                + " run %.0f rows/s, ETA %s%n", k + 1, chunks, first, first + n - 1, scored.size(),
                        bad.size(), secs, n / secs, rate, eta(rowsLeft / rate));
            }
        }
        if (s.topK() != null) {
            flagTopK(s, store, chunks);
        }
        store.finish();
        ScanSummary.Result summary = ScanSummary.write(s.out(), store, chunks, s.primary(), s.threshold(), s.topK(),
                s.summaryRows(), s.model().model());
        double seconds = (System.nanoTime() - start) / 1e9;
        log.printf(Locale.ROOT, "scan: %d rows: %d scored, %d rejected%s; %d chunks scored in %.1f s, %d skipped as "
                        + "done -> %s%n", summary.rows(), summary.scored(), summary.rejected(),
                s.flags() ? ", " + summary.flagged() + " flagged" : "", scoredChunks, seconds, skipped,
                s.out());
        return new Outcome(chunks, scoredChunks, skipped, total, rowsThisRun, seconds, summary);
    }

    /** {@code --top-k}: once every chunk is committed, flags the K best rows in the chunk files (kill-safe). */
    private void flagTopK(ScanSettings s, ChunkStore store, int chunks) throws IOException {
        if (TopKFlags.done(store)) {
            log.printf(Locale.ROOT, "scan: top %d already flagged (%s)%n", s.topK(), store.flaggedFile());
            return;
        }
        log.printf(Locale.ROOT, "scan: flagging the top %d by %s in %d chunk files%n", s.topK(), s.primary(), chunks);
        long t0 = System.nanoTime();
        List<TopKFlags.Flagged> top = TopKFlags.apply(store, chunks, s.columns(), s.primary(), s.topK());
        log.printf(Locale.ROOT, "scan: flagged %d rows (the top %d by %s, equal scores to the lower row id) in %.1f s"
                + " -> %s%n", top.size(), s.topK(), s.primary(), (System.nanoTime() - t0) / 1e9, store.flaggedFile());
    }

    private List<ScoredRow> score(int chunk, long first, long n, List<CaptionRow> good, int batchRows,
                                  BatchScorer scorer) {
        if (good.isEmpty()) {
            return List.of();
        }
        List<CaptionBatch> batches = new ArrayList<>();
        for (int i = 0; i < good.size(); i += batchRows) {
            batches.add(new CaptionBatch(chunk, good.subList(i, Math.min(good.size(), i + batchRows))));
        }
        int slices = Math.min(batches.size(), Math.max(1, spark.defaultParallelism()));
        List<ScoredRow> scored;
        try {
            scored = new ArrayList<>(spark.parallelize(batches, slices).mapPartitions(scorer).collect());
        } catch (Exception e) {   // Spark throws SparkException, a checked exception Java cannot see declared
            throw new IllegalStateException(String.format(Locale.ROOT, "chunk %d (rows %d-%d) failed on an executor: "
                    + "%s", chunk, first, first + n - 1, taskMessage(e)), e);
        }
        scored.sort(Comparator.comparingLong(ScoredRow::rowId));
        if (scored.size() != good.size()) {
            throw new IllegalStateException("chunk " + chunk + ": " + good.size() + " rows sent, " + scored.size()
                    + " scored");
        }
        for (int i = 0; i < good.size(); i++) {
            if (scored.get(i).rowId() != good.get(i).rowId()) {
                throw new IllegalStateException("chunk " + chunk + ": row " + good.get(i).rowId() + " came back as "
                        + scored.get(i).rowId());
            }
        }
        return scored;
    }

    /** The executor's one-line message (a ScanTaskException's, which names chunk and rows), else Spark's first line. */
    static String taskMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BatchScorer.ScanTaskException) {
                return t.getMessage();
            }
            Matcher m = TASK_ERROR.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return m.group(1).strip();
            }
        }
        String msg = String.valueOf(e.getMessage());
        int nl = msg.indexOf('\n');
        return (e instanceof SparkException ? "" : e.getClass().getSimpleName() + ": ")
                + (nl < 0 ? msg : msg.substring(0, nl));
    }

    private static long countCommittedRows(ChunkStore store, int chunks, int chunkRows, long total) {
        long n = 0;
        for (int k = 0; k < chunks; k++) {
            if (store.committed(k)) {
                n += Math.min(chunkRows, total - (long) k * chunkRows);
            }
        }
        return n;
    }

    static String eta(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
