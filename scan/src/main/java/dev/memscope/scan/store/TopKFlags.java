package dev.memscope.scan.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * {@code --top-k K}: whether a row is flagged depends on every other row's score, so the flags are set once the
 * last chunk is committed, by a finalization that is itself safe against a kill:
 * <ol>
 *   <li>select: one streaming pass over the primary column of the committed chunks keeps the best K in a heap
 *       (memory grows with K, never with the input). Ranking: the higher score first; equal scores go to the
 *       lower row id, so the K rows are one fixed set however the scan was cut, killed or resumed;</li>
 *   <li>every chunk file is rewritten with {@code flagged = row id among the K} ({@link ChunkStore#reflag}: under
 *       {@code .tmp/}, renamed over the old file; only the flag changes);</li>
 *   <li>{@code flagged.parquet} (rank, row_id, score), renamed into place last, commits the flags.</li>
 * </ol>
 * A kill before step 3 leaves some chunk files with the final flags and the rest with null ones, and every score as
 * it was, so a rerun selects the same K rows and redoes step 2 for every chunk. A rerun that finds
 * {@code flagged.parquet} has nothing to do; a run that must score a chunk first deletes it (it would be stale).
 */
public final class TopKFlags {
    /** A flagged row: its rank (1 = highest score), row id and primary score. */
    public record Flagged(int rank, long rowId, double score) {
    }

    private record Candidate(long rowId, double score) {
    }

    /** Lowest rank first: the head of the selection heap is the candidate that leaves first. */
    private static final Comparator<Candidate> WORST_FIRST = (a, b) -> compare(a.score, a.rowId, b.score, b.rowId);

    private TopKFlags() {
    }

    /**
     * The scan's ranking, shared by the flags and the summary's list: positive when row a ranks above row b, i.e.
     * its score is higher, or equal ({@link Double#compare}) with a lower row id.
     */
    public static int compare(double scoreA, long rowIdA, double scoreB, long rowIdB) {
        int c = Double.compare(scoreA, scoreB);
        return c != 0 ? c : Long.compare(rowIdB, rowIdA);
    }

    /** Whether an earlier run already set the flags (and nothing was scored since). */
    public static boolean done(ChunkStore store) {
        return Files.isRegularFile(store.flaggedFile());
    }

    /** Before a run scores any chunk: the flags of the chunks committed so far are no longer final. */
    public static void invalidate(ChunkStore store) throws IOException {
        Files.deleteIfExists(store.flaggedFile());
    }

    /**
     * Steps 1 to 3 above; every chunk must be committed.
     *
     * @return the flagged rows, best first ({@code min(k, scored rows)} of them)
     */
    public static List<Flagged> apply(ChunkStore store, int chunks, List<String> columns, String primary, int k)
            throws IOException {
        List<Flagged> top = select(store, chunks, primary, k);
        long[] ids = new long[top.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = top.get(i).rowId();
        }
        Arrays.sort(ids);
        for (int c = 0; c < chunks; c++) {
            store.reflag(c, columns, id -> Arrays.binarySearch(ids, id) >= 0);
        }
        store.commitFlagged(primary, top);
        return top;
    }

    /** Step 1: the {@code k} best rows of the committed chunks by {@code primary}, best first. */
    public static List<Flagged> select(ChunkStore store, int chunks, String primary, int k) throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("--top-k must be >= 1, got " + k);
        }
        MessageType projection = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).named("row_id")
                .required(PrimitiveTypeName.DOUBLE).named(primary)
                .named("memscope_scan");
        PriorityQueue<Candidate> heap = new PriorityQueue<>(WORST_FIRST);
        for (int c = 0; c < chunks; c++) {
            if (!store.committed(c)) {
                throw new IllegalStateException("chunk " + c + " is not committed; the top " + k + " is not known");
            }
            Path f = store.scoreFile(c);
            if (!Files.exists(f)) {
                continue;   // every row of the chunk was rejected
            }
            try (ParquetReader<Group> r = ChunkParquet.reader(f, projection)) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    Candidate x = new Candidate(g.getLong("row_id", 0), g.getDouble(primary, 0));
                    if (!Double.isFinite(x.score)) {
                        throw new IllegalStateException(f + ": " + primary + " of row " + x.rowId + " is " + x.score);
                    }
                    if (heap.size() < k) {
                        heap.add(x);
                    } else if (WORST_FIRST.compare(x, heap.peek()) > 0) {
                        heap.poll();
                        heap.add(x);
                    }
                }
            }
        }
        List<Candidate> best = new ArrayList<>(heap);
        best.sort(WORST_FIRST.reversed());
        List<Flagged> out = new ArrayList<>(best.size());
        for (int i = 0; i < best.size(); i++) {
            out.add(new Flagged(i + 1, best.get(i).rowId, best.get(i).score));
        }
        return out;
    }
}
