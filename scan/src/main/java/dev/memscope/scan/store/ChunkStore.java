package dev.memscope.scan.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memscope.io.AtomicFiles;
import dev.memscope.scan.input.Reject;
import dev.memscope.scan.score.ScoredRow;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

/**
 * The output folder, committed chunk by chunk so a killed scan resumes where it stopped and never holds a row twice:
 * <pre>
 *   scores/chunk-000123.parquet   the chunk's scored rows
 *   rejects/chunk-000123.jsonl    the chunk's rejected rows with their reasons (only when it has any)
 *   chunks/chunk-000123.done      the commit marker (JSON: rows, scored, rejected, seconds); written last
 *   flagged.parquet               with --top-k: the flagged rows, written when they are set ({@link TopKFlags})
 * </pre>
 * Each file is written under {@code .tmp/} and renamed into place (atomic on one file system); the marker goes
 * last, so a chunk counts as done only when all its files are in place. At the start of a run {@link #recover}
 * deletes {@code .tmp/} and the data files of every chunk without a marker (a kill between two renames), which are
 * then redone; a chunk with a marker is skipped. The rows of chunk k are the input rows {@code [k C, (k+1) C)},
 * fixed by the input order and {@code --chunk-rows}, which {@link ScanManifest} pins.
 */
public final class ChunkStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path out;

    public ChunkStore(Path out) {
        this.out = out;
    }

    public Path scores() {
        return out.resolve("scores");
    }

    public Path rejects() {
        return out.resolve("rejects");
    }

    private Path markers() {
        return out.resolve("chunks");
    }

    private Path tmp() {
        return out.resolve(".tmp");
    }

    public static String name(int chunk) {
        return String.format(Locale.ROOT, "chunk-%06d", chunk);
    }

    public Path scoreFile(int chunk) {
        return scores().resolve(name(chunk) + ".parquet");
    }

    public Path rejectFile(int chunk) {
        return rejects().resolve(name(chunk) + ".jsonl");
    }

    public Path marker(int chunk) {
        return markers().resolve(name(chunk) + ".done");
    }

    /** {@code --top-k}'s flagged rows (rank, row_id, score); its presence commits the flags in the chunk files. */
    public Path flaggedFile() {
        return out.resolve("flagged.parquet");
    }

    public boolean committed(int chunk) {
        return Files.isRegularFile(marker(chunk));
    }

    /** Deletes leftovers of an interrupted run: {@code .tmp/}, and data files of chunks that have no marker. */
    public int recover() throws IOException {
        Files.createDirectories(scores());
        Files.createDirectories(rejects());
        Files.createDirectories(markers());
        deleteTree(tmp());
        int dropped = 0;
        for (Path dir : List.of(scores(), rejects())) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    int dot = n.indexOf('.');
                    String base = dot < 0 ? n : n.substring(0, dot);
                    if (!Files.isRegularFile(markers().resolve(base + ".done"))) {
                        Files.delete(p);
                        dropped++;
                    }
                }
            }
        }
        return dropped;
    }

    /** After the last chunk: removes the (then empty) temp folder, so a finished scan leaves nothing but results. */
    public void finish() throws IOException {
        deleteTree(tmp());
    }

    /** Writes a chunk's files and commits it (marker last). */
    public void commit(int chunk, List<String> columns, String model, List<ScoredRow> scored, List<Reject> rejected,
                       Double threshold, long firstRow, long rows, double seconds) throws IOException {
        Files.createDirectories(tmp());
        if (!scored.isEmpty()) {
            Path t = tmp().resolve(name(chunk) + ".parquet");
            Files.deleteIfExists(t);
            ChunkParquet.write(t, columns, model, scored, threshold);
            move(t, scoreFile(chunk));
        }
        if (!rejected.isEmpty()) {
            Path t = tmp().resolve(name(chunk) + ".jsonl");
            try (Writer w = Files.newBufferedWriter(t, StandardCharsets.UTF_8)) {
                for (Reject r : rejected) {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("row_id", r.rowId());
                    o.put("input_file", r.file());
                    o.put("input_line", r.line());
                    o.put("reason", r.reason());
                    o.put("excerpt", r.excerpt());
                    w.write(JSON.writeValueAsString(o));
                    w.write('\n');
                }
            }
            move(t, rejectFile(chunk));
        }
        ObjectNode m = JSON.createObjectNode();
        m.put("chunk", chunk);
        m.put("first_row", firstRow);
        m.put("rows", rows);
        m.put("scored", scored.size());
        m.put("rejected", rejected.size());
        m.put("seconds", seconds);
        AtomicFiles.writeString(marker(chunk), JSON.writeValueAsString(m) + "\n");
    }

    /**
     * Rewrites a committed chunk's score file with {@code flagged = flag.test(row_id)}, every other value as it was:
     * written under {@code .tmp/} and renamed over the old file, so a kill leaves the old or the new file, whole.
     */
    public void reflag(int chunk, List<String> columns, LongPredicate flag) throws IOException {
        Path f = scoreFile(chunk);
        if (!committed(chunk)) {
            throw new IllegalStateException("chunk " + chunk + " is not committed; its flags cannot be set");
        }
        if (!Files.exists(f)) {
            return;   // every row of the chunk was rejected
        }
        Files.createDirectories(tmp());
        Path t = tmp().resolve(name(chunk) + ".parquet");
        Files.deleteIfExists(t);
        ChunkParquet.copyWithFlags(f, t, columns, flag);
        move(t, f);
    }

    /** Writes {@link #flaggedFile()} under {@code .tmp/} and renames it into place. */
    public void commitFlagged(String primary, List<TopKFlags.Flagged> rows) throws IOException {
        Files.createDirectories(tmp());
        Path t = tmp().resolve("flagged.parquet");
        Files.deleteIfExists(t);
        ChunkParquet.writeFlagged(t, primary, rows);
        move(t, flaggedFile());
    }

    /** The marker of a committed chunk. */
    public com.fasterxml.jackson.databind.JsonNode readMarker(int chunk) throws IOException {
        return JSON.readTree(marker(chunk).toFile());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes a folder tree this store made; never follows links out of it. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
