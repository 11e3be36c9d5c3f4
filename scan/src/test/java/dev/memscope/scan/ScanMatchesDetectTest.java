package dev.memscope.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.cli.MemScope;
import dev.memscope.detect.AnisotropyDetector;
import dev.memscope.scan.score.ModelKey;
import dev.memscope.scan.score.ModelPool;
import dev.memscope.scan.score.ScanDetector;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A scan gives, row for row, the score {@code memscope detect} gives for the same captions and model (the lab),
 * bit for bit: chunks, batches and two task slots change nothing. Also: every input format reads the same captions,
 * Spark reads the output as one dataset, the model is opened once per task slot, not per chunk.
 */
class ScanMatchesDetectTest {
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

    /** detect's CSV (index,prompt,score,flagged) as scores by index. */
    private static double[] detect(Path prompts, String detector, boolean quick, Path out) throws IOException {
        CommandLine cl = MemScope.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        List<String> args = new ArrayList<>(List.of("detect", "--model", "lab", "--backend", "cpu", "--prompts",
                prompts.toString(), "--detector", detector, "--out", out.toString()));
        if (quick) {
            args.add("--quick");
        }
        int rc = MemScope.execute(cl, args.toArray(String[]::new));
        assertThat(rc).as("detect exit code; stderr: %s", err).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        double[] s = new double[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            // index,prompt,score,flagged: the prompt may hold commas (quoted), the score is second from the end
            s[Integer.parseInt(f[0])] = Double.parseDouble(f[f.length - 2]);
        }
        return s;
    }

    @Test
    void scoresEqualDetectForEveryRowAcrossChunksBatchesAndSlots() throws Exception {
        List<String> captions = ScanFixture.captions(90);
        Path txt = dir.resolve("captions.txt");
        Files.write(txt, captions, StandardCharsets.UTF_8);
        double[] aniso = detect(txt, "anisotropy", false, dir.resolve("aniso.csv"));
        double[] wen = detect(txt, "wen-first", true, dir.resolve("wen.csv"));

        Path out = dir.resolve("out");
        // chunk and batch sizes that divide nothing evenly: batches cross no chunk, the last ones are short
        ScanRunner.Outcome o = ScanFixture.run(spark, ScanFixture.settings(List.of(txt), out,
                List.of(ScanDetector.ANISOTROPY, ScanDetector.WEN_FIRST), 37, 7, null), null);
        assertThat(o.chunks()).isEqualTo(3);
        TreeMap<Long, ScanFixture.Row> rows = ScanFixture.scores(out);
        assertThat(rows.keySet()).hasSize(90).first().isEqualTo(0L);
        assertThat(rows.lastKey()).isEqualTo(89L);
        for (ScanFixture.Row r : rows.values()) {
            int i = (int) r.rowId();
            assertThat(r.caption()).isEqualTo(captions.get(i));
            assertThat(r.values().get("anisotropy")).as("anisotropy of row %d", i).isEqualTo(aniso[i]);
            assertThat(r.values().get("wen_first")).as("wen-first of row %d", i).isEqualTo(wen[i]);
            // the lab predicts eps: score = 1 N + 2 A, exactly as the detector combines its terms
            double n = r.values().get("anisotropy_n");
            double a = r.values().get("anisotropy_a");
            assertThat(AnisotropyDetector.EPS_WEIGHTS[0] * n + AnisotropyDetector.EPS_WEIGHTS[1] * a)
                    .isEqualTo(r.values().get("anisotropy"));
            assertThat(r.flagged()).isNull();
        }
        // the lab's memorized captions (even rows) must outscore the others (odd rows) on average, or the numbers
        // compared above could be equal and meaningless
        double mem = 0;
        double non = 0;
        for (int i = 0; i < 90; i += 2) {
            mem += aniso[i];
            non += aniso[i + 1];
        }
        assertThat(mem).isGreaterThan(non);
        // one instance per task slot (two), however many chunks and batches
        assertThat(ModelPool.opens(new ModelKey("lab", "cpu", "cpu"))).isBetween(1, 2);
        // Spark reads the chunk files as one dataset
        Dataset<Row> ds = spark.read().parquet(out.resolve("scores").toString());
        assertThat(ds.count()).isEqualTo(90);
        assertThat(ds.select("row_id").distinct().count()).isEqualTo(90);
    }

    @Test
    void everyInputFormatReadsTheSameCaptions() throws Exception {
        List<String> captions = new ArrayList<>(ScanFixture.captions(24));
        captions.set(3, "a caption, with \"quotes\", commas");   // CSV quoting and JSON escaping both matter
        Path txt = dir.resolve("c.txt");
        Files.write(txt, captions, StandardCharsets.UTF_8);
        Path jsonl = dir.resolve("c.jsonl");
        List<String> jl = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String c : captions) {
            jl.add(m.writeValueAsString(java.util.Map.of("caption", c, "url", "http://x")));
        }
        Files.write(jsonl, jl, StandardCharsets.UTF_8);
        Path csv = dir.resolve("c.csv");
        List<String> cl = new ArrayList<>(List.of("URL,TEXT,WIDTH"));
        for (String c : captions) {
            cl.add("http://x,\"" + c.replace("\"", "\"\"") + "\",512");
        }
        Files.write(csv, cl, StandardCharsets.UTF_8);
        Path parquet = dir.resolve("c.parquet");
        int rc = MemScope.execute(ScanMain.commandLine(), "text-to-parquet", txt.toString(), parquet.toString());
        assertThat(rc).isZero();

        List<TreeMap<Long, ScanFixture.Row>> results = new ArrayList<>();
        for (Path in : List.of(txt, jsonl, csv, parquet)) {
            Path out = dir.resolve("out-" + in.getFileName());
            ScanFixture.run(spark, ScanFixture.settings(List.of(in), out, List.of(ScanDetector.ANISOTROPY), 10, 5,
                    null), null);
            results.add(ScanFixture.scores(out));
        }
        for (TreeMap<Long, ScanFixture.Row> r : results) {
            assertThat(r).hasSize(24);
            for (int i = 0; i < 24; i++) {
                assertThat(r.get((long) i).caption()).isEqualTo(captions.get(i));
                assertThat(r.get((long) i).values()).isEqualTo(results.get(0).get((long) i).values());
            }
        }
        // a folder of all four: files in path order, row ids running on across them
        Path folder = dir.resolve("folder");
        Files.createDirectories(folder);
        for (Path in : List.of(txt, jsonl, csv, parquet)) {
            Files.copy(in, folder.resolve(in.getFileName()));
        }
        Path out = dir.resolve("out-folder");
        ScanFixture.run(spark, ScanFixture.settings(List.of(folder), out, List.of(ScanDetector.ANISOTROPY), 10, 5,
                null), null);
        TreeMap<Long, ScanFixture.Row> all = ScanFixture.scores(out);
        assertThat(all).hasSize(96);
        // sorted: c.csv, c.jsonl, c.parquet, c.txt; each block holds the same captions in order
        for (int f = 0; f < 4; f++) {
            for (int i = 0; i < 24; i++) {
                assertThat(all.get((long) (f * 24 + i)).caption()).isEqualTo(captions.get(i));
            }
        }
    }
}
