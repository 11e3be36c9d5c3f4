package dev.memscope.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.scan.input.InputSet;
import dev.memscope.scan.input.Reject;
import dev.memscope.scan.score.ScoredRow;
import dev.memscope.scan.store.ChunkParquet;
import dev.memscope.scan.store.ChunkStore;
import dev.memscope.scan.store.ScanManifest;
import dev.memscope.scan.store.TopKFlags;
import dev.memscope.scan.summary.ScanSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --top-k} on committed chunks with chosen scores (no Spark, no model): exactly K rows flagged, the K
 * highest, equal scores to the lower row id across chunks; a finalization killed part-way is redone to the same
 * flags; the summary lists what the chunks flag; the CLI refuses --top-k with --threshold and K <= 0.
 */
class TopKFlagsTest {
    private static final List<String> COLUMNS = List.of("anisotropy");
    private static final int ROWS = 30;
    private static final int CHUNK = 5;
    private static final int CHUNKS = ROWS / CHUNK;

    @TempDir
    Path dir;

    /**
     * 30 rows in 6 chunks of 5; rows 3, 7 and all of chunk 5 (25-29) rejected. Score = (7 id) mod 5, so many rows
     * tie: 4 at ids 2, 12, 17, 22 (id 7 rejected), 3 at ids 4, 9, 14, 19, 24. With K = 6 the cut falls inside the
     * score-3 group, which the lower row ids 4 and 9 win: flagged = {2, 12, 17, 22, 4, 9}, ranked in that order.
     */
    private static ChunkStore committedStore(Path out) throws Exception {
        ChunkStore store = new ChunkStore(out);
        store.recover();
        for (int c = 0; c < CHUNKS; c++) {
            List<ScoredRow> scored = new ArrayList<>();
            List<Reject> rejected = new ArrayList<>();
            for (long id = (long) c * CHUNK; id < (long) (c + 1) * CHUNK; id++) {
                if (id == 3 || id == 7 || id >= 25) {
                    rejected.add(new Reject(id, "in.txt", id + 1, "empty caption", ""));
                } else {
                    scored.add(new ScoredRow(id, "caption " + id, "in.txt", id + 1, new double[] {(7 * id) % 5}));
                }
            }
            store.commit(c, COLUMNS, "lab", scored, rejected, null, (long) c * CHUNK, CHUNK, 0.1);
        }
        return store;
    }

    private static final List<Long> EXPECTED = List.of(2L, 12L, 17L, 22L, 4L, 9L);

    @Test
    void flagsExactlyTheKHighestWithEqualScoresToTheLowerRowId() throws Exception {
        Path out = dir.resolve("out");
        ChunkStore store = committedStore(out);
        TreeMap<Long, ScanFixture.Row> before = ScanFixture.scores(out);
        assertThat(before.values()).allMatch(r -> r.flagged() == null);   // not known until every chunk is in

        List<TopKFlags.Flagged> top = TopKFlags.apply(store, CHUNKS, COLUMNS, "anisotropy", 6);
        assertThat(top).extracting(TopKFlags.Flagged::rowId).containsExactlyElementsOf(EXPECTED);
        assertThat(top).extracting(TopKFlags.Flagged::rank).containsExactly(1, 2, 3, 4, 5, 6);

        TreeMap<Long, ScanFixture.Row> after = ScanFixture.scores(out);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(after.values()).allMatch(r -> r.flagged() != null);
        List<Long> flagged = after.values().stream().filter(ScanFixture.Row::flagged).map(ScanFixture.Row::rowId)
                .toList();
        assertThat(flagged).hasSize(6).containsExactlyInAnyOrderElementsOf(EXPECTED);
        // the same set from a plain sort (score descending, row id ascending) of what the files hold
        assertThat(after.values().stream().sorted(Comparator.comparingDouble(
                        (ScanFixture.Row r) -> -r.values().get("anisotropy")).thenComparingLong(ScanFixture.Row::rowId))
                .limit(6).map(ScanFixture.Row::rowId).toList()).containsExactlyElementsOf(EXPECTED);
        // nothing but the flag changed
        for (ScanFixture.Row r : after.values()) {
            ScanFixture.Row b = before.get(r.rowId());
            assertThat(r.caption()).isEqualTo(b.caption());
            assertThat(r.values()).isEqualTo(b.values());
        }
        assertThat(readFlagged(store.flaggedFile())).containsExactly("1 2 4.0", "2 12 4.0", "3 17 4.0", "4 22 4.0",
                "5 4 3.0", "6 9 3.0");
        assertThat(TopKFlags.done(store)).isTrue();

        // K over the scored rows flags them all
        Path all = dir.resolve("all");
        TopKFlags.apply(committedStore(all), CHUNKS, COLUMNS, "anisotropy", 1000);
        assertThat(ScanFixture.scores(all).values()).allMatch(ScanFixture.Row::flagged).hasSize(23);
    }

    @Test
    void theSummaryCountsAndListsTheRowsTheChunksFlag() throws Exception {
        Path out = dir.resolve("out");
        ChunkStore store = committedStore(out);
        TopKFlags.apply(store, CHUNKS, COLUMNS, "anisotropy", 6);
        ScanSummary.Result r = ScanSummary.write(out, store, CHUNKS, "anisotropy", null, 6, 10, "lab");
        assertThat(r.flagged()).isEqualTo(6);
        assertThat(r.top()).hasSize(10);
        assertThat(r.top()).extracting(ScanSummary.Top::rowId).startsWith(2L, 12L, 17L, 22L, 4L, 9L, 14L);
        assertThat(r.top()).extracting(ScanSummary.Top::flagged)
                .containsExactly(true, true, true, true, true, true, false, false, false, false);
        String md = Files.readString(out.resolve("summary.md"));
        assertThat(md).contains("6 flagged: the top 6 by anisotropy").contains("Top flagged captions")
                .contains("caption 9").doesNotContain("caption 14");
        JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(json.get("top_k").asInt()).isEqualTo(6);
        assertThat(json.get("flagged").asLong()).isEqualTo(6);

        // fewer listed rows than K: the Markdown lists the first of the K, all flagged
        r = ScanSummary.write(out, store, CHUNKS, "anisotropy", null, 6, 3, "lab");
        assertThat(r.flagged()).isEqualTo(6);
        assertThat(r.top()).extracting(ScanSummary.Top::rowId).containsExactly(2L, 12L, 17L);

        // a chunk whose flags disagree with the top k stops the summary instead of reporting it
        store.reflag(1, COLUMNS, id -> id == 5);
        assertThatThrownBy(() -> ScanSummary.write(out, store, CHUNKS, "anisotropy", null, 6, 10, "lab"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("--top-k 6");
    }

    @Test
    void aFinalizationKilledPartWayIsRedoneToTheSameFlags() throws Exception {
        Path ref = dir.resolve("ref");
        TopKFlags.apply(committedStore(ref), CHUNKS, COLUMNS, "anisotropy", 6);
        TreeMap<Long, ScanFixture.Row> want = ScanFixture.scores(ref);

        // the state a SIGKILL leaves after the 3rd chunk's rename, while the 4th is being written: chunks 0-2
        // flagged, 3-5 not yet, a half-written temp file, no flagged.parquet
        Path out = dir.resolve("out");
        ChunkStore store = committedStore(out);
        List<TopKFlags.Flagged> top = TopKFlags.select(store, CHUNKS, "anisotropy", 6);
        List<Long> ids = top.stream().map(TopKFlags.Flagged::rowId).toList();
        for (int c = 0; c < 3; c++) {
            store.reflag(c, COLUMNS, ids::contains);
        }
        Files.writeString(out.resolve(".tmp/chunk-000003.parquet"), "half-written");
        assertThat(TopKFlags.done(store)).isFalse();

        // the rerun, as ScanRunner does it: recover, every chunk committed, flags not done: apply again
        store.recover();
        assertThat(out.resolve(".tmp")).doesNotExist();
        TopKFlags.apply(store, CHUNKS, COLUMNS, "anisotropy", 6);
        store.finish();
        assertThat(ScanFixture.scores(out)).isEqualTo(want);
        assertThat(readFlagged(store.flaggedFile())).isEqualTo(readFlagged(ref.resolve("flagged.parquet")));

        // killed after every rename but before flagged.parquet: the same again
        Files.delete(store.flaggedFile());
        TopKFlags.apply(store, CHUNKS, COLUMNS, "anisotropy", 6);
        assertThat(ScanFixture.scores(out)).isEqualTo(want);

        // a chunk not committed cannot be ranked
        Files.delete(out.resolve("chunks/chunk-000004.done"));
        assertThatThrownBy(() -> TopKFlags.select(store, CHUNKS, "anisotropy", 6))
                .hasMessageContaining("chunk 4 is not committed");
    }

    @Test
    void theManifestPinsTopKAndStillResumesFoldersWrittenWithoutIt() throws Exception {
        Path txt = dir.resolve("in.txt");
        Files.writeString(txt, "a caption\n");
        InputSet in = InputSet.of(List.of(txt), List.of("caption"));
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        ScanManifest.writeOrCheck(out, ScanManifest.of(in, "lab", List.of("anisotropy"), 5, 5, 64, null, 5));
        ScanManifest.writeOrCheck(out, ScanManifest.of(in, "lab", List.of("anisotropy"), 5, 5, 64, null, 5));
        assertThatThrownBy(() -> ScanManifest.writeOrCheck(out, ScanManifest.of(in, "lab", List.of("anisotropy"),
                5, 5, 64, null, 6))).hasMessageContaining("top_k was 5, now 6");
        assertThatThrownBy(() -> ScanManifest.writeOrCheck(out, ScanManifest.of(in, "lab", List.of("anisotropy"),
                5, 5, 64, null, null))).hasMessageContaining("top_k was 5, now not given");
        // a scan.json from before --top-k set flags has no top_k field: the same scan without --top-k matches it
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        ScanManifest.writeOrCheck(old, ScanManifest.of(in, "lab", List.of("anisotropy"), 5, 5, 64, null, null));
        assertThat(Files.readString(old.resolve("scan.json"))).doesNotContain("top_k");
        ScanManifest.writeOrCheck(old, ScanManifest.of(in, "lab", List.of("anisotropy"), 5, 5, 64, null, null));
    }

    @Test
    void theCommandRefusesTopKWithThresholdAndKBelowOneInOneLine() throws Exception {
        Path txt = dir.resolve("in.txt");
        Files.writeString(txt, "a caption\n");
        Path out = dir.resolve("out");
        assertRefused(List.of("--threshold", "1.5", "--top-k", "3"),
                "memscope scan: error: --threshold 1.5 and --top-k 3 both choose the flagged rows: give one of them",
                txt, out);
        assertRefused(List.of("--top-k", "0"), "memscope scan: error: --top-k must be >= 1, got 0", txt, out);
        assertRefused(List.of("--top-k", "-2"), "memscope scan: error: --top-k must be >= 1, got -2", txt, out);
        assertThat(out).doesNotExist();   // refused before anything is written or Spark starts
    }

    private static void assertRefused(List<String> flags, String line, Path txt, Path out) {
        StringWriter err = new StringWriter();
        CommandLine cl = ScanMain.commandLine();
        cl.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("--input", txt.toString(), "--out", out.toString()));
        args.addAll(flags);
        assertThat(cl.execute(args.toArray(String[]::new))).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(line + System.lineSeparator());
    }

    private static List<String> readFlagged(Path file) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ParquetReader<Group> r = ChunkParquet.reader(file, null)) {
            for (Group g = r.read(); g != null; g = r.read()) {
                rows.add(g.getInteger("rank", 0) + " " + g.getLong("row_id", 0) + " " + g.getDouble("anisotropy", 0));
            }
        }
        return rows;
    }
}
