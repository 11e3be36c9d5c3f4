package dev.memscope.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memscope.scan.score.ModelKey;
import dev.memscope.scan.score.ScanDetector;
import dev.memscope.scan.input.InputSet;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad rows go to the rejects with their reason and keep their row ids; a rerun skips committed chunks, redoes an
 * uncommitted one and refuses other settings; an executor failure comes back as one line naming the chunk.
 */
class RejectsAndResumeTest {
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkContexts.start("local[2]", java.util.Map.of());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void badRowsAreRejectedWithTheirReasonAndNeverStopTheScan() throws Exception {
        List<String> good = ScanFixture.captions(6);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((good.get(0) + "\n").getBytes(StandardCharsets.UTF_8));             // row 0
        b.writeBytes("\n".getBytes(StandardCharsets.UTF_8));                                // row 1: empty
        b.writeBytes(new byte[] {'a', ' ', (byte) 0xC3, (byte) 0x28, '\n'});               // row 2: invalid UTF-8
        b.writeBytes(("x".repeat(1001) + "\n").getBytes(StandardCharsets.UTF_8));          // row 3: over-long
        b.writeBytes(("   \r\n").getBytes(StandardCharsets.UTF_8));                          // row 4: blank
        b.writeBytes((good.get(1) + "\r\n").getBytes(StandardCharsets.UTF_8));            // row 5
        b.writeBytes(("y".repeat(70_000) + "\n").getBytes(StandardCharsets.UTF_8));        // row 6: huge line
        b.writeBytes(good.get(2).getBytes(StandardCharsets.UTF_8));                         // row 7, no final newline
        Path txt = dir.resolve("a.txt");
        Files.write(txt, b.toByteArray());
        Path jsonl = dir.resolve("b.jsonl");
        Files.write(jsonl, List.of(
                json(good.get(3)),                                                           // row 8
                "{\"caption\": ",                                                            // row 9: not JSON
                "{\"text\": \"no caption field\"}",                                          // row 10
                "{\"caption\": null}",                                                       // row 11
                "{\"caption\": 42}",                                                         // row 12
                json(good.get(4))), StandardCharsets.UTF_8);                                 // row 13
        Path csv = dir.resolve("c.csv");
        Files.write(csv, List.of("caption,n", "\"" + good.get(5) + "\",1", "\"multi\nline, quoted\",2",
                "\"\",3"), StandardCharsets.UTF_8);                                         // rows 14, 15, 16: empty

        Path out = dir.resolve("out");
        StringBuilder log = new StringBuilder();
        ScanRunner.Outcome o = ScanFixture.run(spark, ScanFixture.settings(List.of(txt, jsonl, csv), out,
                List.of(ScanDetector.ANISOTROPY), 5, 2, 1.0), log);
        TreeMap<Long, ScanFixture.Row> scored = ScanFixture.scores(out);
        TreeMap<Long, JsonNode> rejected = ScanFixture.rejects(out);
        assertThat(scored.keySet()).containsExactly(0L, 5L, 7L, 8L, 13L, 14L, 15L);
        assertThat(scored.get(15L).caption()).isEqualTo("multi\nline, quoted");
        assertThat(rejected.keySet()).containsExactly(1L, 2L, 3L, 4L, 6L, 9L, 10L, 11L, 12L, 16L);
        assertThat(rejected.get(1L).get("reason").asText()).isEqualTo("empty caption");
        assertThat(rejected.get(2L).get("reason").asText()).isEqualTo("invalid UTF-8");
        assertThat(rejected.get(3L).get("reason").asText()).contains("1001 characters is longer than 1000");
        assertThat(rejected.get(4L).get("reason").asText()).isEqualTo("empty caption");
        assertThat(rejected.get(6L).get("reason").asText()).contains("70000 bytes is over-long");
        assertThat(rejected.get(9L).get("reason").asText()).startsWith("not valid JSON");
        assertThat(rejected.get(10L).get("reason").asText()).isEqualTo("no field 'caption' or 'TEXT'");
        assertThat(rejected.get(11L).get("reason").asText()).isEqualTo("null caption");
        assertThat(rejected.get(12L).get("reason").asText()).contains("not a string");
        assertThat(rejected.get(16L).get("reason").asText()).isEqualTo("empty caption");
        assertThat(rejected.get(2L).get("input_line").asLong()).isEqualTo(3);
        assertThat(rejected.get(9L).get("input_file").asText()).endsWith("b.jsonl");
        assertThat(o.summary().rows()).isEqualTo(17);
        assertThat(o.summary().scored()).isEqualTo(7);
        assertThat(o.summary().rejected()).isEqualTo(10);
        // the flag column is the threshold applied to the primary score, and the summary counts the same rows
        long flagged = 0;
        for (ScanFixture.Row r : scored.values()) {
            assertThat(r.flagged()).isEqualTo(r.values().get("anisotropy") >= 1.0);
            flagged += r.flagged() ? 1 : 0;
        }
        assertThat(o.summary().flagged()).isEqualTo(flagged);
        assertThat(Files.readString(out.resolve("summary.md"))).contains("17 input rows: 7 scored, 10 rejected");
        assertThat(out.resolve("histogram.png")).isNotEmptyFile();
        assertThat(log.toString()).contains("chunk 4/4 rows 15-16");
    }

    /**
     * With {@code --top-k 5} on 20 captions given twice (rows i and i + 20, in other chunks and batch positions), so
     * every score is tied and an odd K splits a pair: the lower row id of it must be the one flagged.
     */
    @Test
    void rerunSkipsCommittedChunksRedoesTheRestAndRefusesOtherSettings() throws Exception {
        Path txt = dir.resolve("p.txt");
        List<String> twice = new java.util.ArrayList<>(ScanFixture.captions(20));
        twice.addAll(ScanFixture.captions(20));
        Files.write(txt, twice, StandardCharsets.UTF_8);
        Path out = dir.resolve("out");
        ScanSettings s = ScanFixture.settings(List.of(txt), out, List.of(ScanDetector.ANISOTROPY), 10, 4, null, 5);
        ScanRunner.Outcome first = ScanFixture.run(spark, s, null);
        assertThat(first.chunksScored()).isEqualTo(4);
        TreeMap<Long, ScanFixture.Row> before = ScanFixture.scores(out);
        for (long i = 0; i < 20; i++) {
            assertThat(before.get(i + 20).values()).as("row %d ties row %d", i + 20, i).isEqualTo(before.get(i)
                    .values());
        }
        List<Long> top = ScanFixture.topByPlainSort(before, "anisotropy", 5);
        assertThat(ScanFixture.flagged(before)).hasSize(5).containsExactlyInAnyOrderElementsOf(top);
        long split = top.get(4) % 20;   // the 5th is alone of its pair: the lower id, not the higher
        assertThat(top).contains(split).doesNotContain(split + 20);
        assertThat(first.summary().flagged()).isEqualTo(5);

        // as if killed after chunk 2's data files were renamed into place but before its marker was written
        Files.delete(out.resolve("chunks/chunk-000002.done"));
        Files.createDirectories(out.resolve(".tmp"));
        Files.writeString(out.resolve(".tmp/chunk-000003.parquet"), "half-written");
        StringBuilder log = new StringBuilder();
        ScanRunner.Outcome second = ScanFixture.run(spark, s, log);
        assertThat(second.chunksScored()).isEqualTo(1);
        assertThat(second.chunksSkipped()).isEqualTo(3);
        assertThat(log.toString()).contains("removed 1 file(s) of chunks an earlier run did not commit")
                .contains("chunk 3/4 rows 20-29");
        assertThat(out.resolve(".tmp")).doesNotExist();
        TreeMap<Long, ScanFixture.Row> after = ScanFixture.scores(out);
        assertThat(after).isEqualTo(before);   // with the flags, although the flags had been final before chunk 2
        assertThat(log.toString()).contains("flagging the top 5 by anisotropy");

        StringBuilder log3 = new StringBuilder();
        ScanRunner.Outcome third = ScanFixture.run(spark, s, log3);
        assertThat(third.chunksScored()).isZero();
        assertThat(log3.toString()).contains("top 5 already flagged");
        assertThat(ScanFixture.scores(out)).isEqualTo(before);
        assertThat(third.summary().scored()).isEqualTo(40);

        ScanSettings other = ScanFixture.settings(List.of(txt), out, List.of(ScanDetector.ANISOTROPY), 20, 4, null);
        assertThatThrownBy(() -> ScanFixture.run(spark, other, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chunk_rows was 10, now 20");
        Files.writeString(txt, "changed\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ScanFixture.run(spark, s(txt, out), null))
                .hasMessageContaining("inputs[0].bytes was");
    }

    private static String json(String caption) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of("caption",
                caption));
    }

    private static ScanSettings s(Path txt, Path out) throws Exception {
        return ScanFixture.settings(List.of(txt), out, List.of(ScanDetector.ANISOTROPY), 10, 4, null);
    }

    @Test
    void anExecutorFailureIsOneLineNamingTheChunk() throws Exception {
        Path txt = dir.resolve("p.txt");
        Files.write(txt, ScanFixture.captions(12), StandardCharsets.UTF_8);
        ScanSettings s = new ScanSettings(InputSet.of(List.of(txt), List.of("caption")), dir.resolve("out"),
                new ModelKey("testbed:" + dir.resolve("no-such-testbed"), "cpu", "cpu"),
                List.of(ScanDetector.ANISOTROPY), 5, 5, 64, null, null, 10);
        assertThatThrownBy(() -> ScanFixture.run(spark, s, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("chunk 0 (rows 0-4) failed on an executor: chunk 0, rows 0-4: ")
                .hasMessageContaining("no-such-testbed")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(dir.resolve("out/chunks")).isEmptyDirectory();
    }

    @Test
    void refusesDetectorsThatAreNotDenoisingFreeWithTheirCost() {
        assertThatThrownBy(() -> ScanDetector.parseList("anisotropy,wen-full"))
                .hasMessageContaining("wen-full denoises 50 steps").hasMessageContaining("400 forward passes");
        assertThatThrownBy(() -> ScanDetector.parseList("carlini")).hasMessageContaining("800 forward passes");
        assertThatThrownBy(() -> ScanDetector.parseList("nonsense")).hasMessageContaining("unknown detector");
        assertThat(ScanDetector.parseList("wen-first,anisotropy"))
                .containsExactly(ScanDetector.WEN_FIRST, ScanDetector.ANISOTROPY);
    }
}
