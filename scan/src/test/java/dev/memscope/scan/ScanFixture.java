package dev.memscope.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.scan.input.InputSet;
import dev.memscope.scan.score.ModelKey;
import dev.memscope.scan.score.ScanDetector;
import dev.memscope.scan.store.ChunkParquet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.schema.Type;

/** Test helpers: captions from the shared data, one Spark session, and reading a scan's output back. */
final class ScanFixture {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScanFixture() {
    }

    /**
     * {@code n} real captions, alternating: even positions memorized in the lab (sd1_mem.txt), odd ones not
     * (sd1_nmem.txt), each file read in order.
     */
    static List<String> captions(int n) throws IOException {
        Path data = Path.of(System.getProperty("memscope.shared", "../../shared")).resolve("data");
        List<List<String>> files = new ArrayList<>();
        for (String f : List.of("sd1_mem.txt", "sd1_nmem.txt")) {
            files.add(Files.readAllLines(data.resolve(f), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).map(String::strip).toList());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> f = files.get(i % 2);
            if (i / 2 >= f.size()) {
                throw new IllegalStateException("only " + f.size() + " captions in a shared file");
            }
            out.add(f.get(i / 2));
        }
        return out;
    }

    static ScanSettings settings(List<Path> inputs, Path out, List<ScanDetector> detectors, int chunkRows,
                                 int batchRows, Double threshold) throws IOException {
        return settings(inputs, out, detectors, chunkRows, batchRows, threshold, null);
    }

    static ScanSettings settings(List<Path> inputs, Path out, List<ScanDetector> detectors, int chunkRows,
                                 int batchRows, Double threshold, Integer topK) throws IOException {
        return new ScanSettings(InputSet.of(inputs, List.of("caption", "TEXT")), out,
                new ModelKey("lab", "cpu", "cpu"), detectors, chunkRows, batchRows, 64, threshold, topK, 10);
    }

    /** The row ids of the {@code k} highest {@code column} values, equal values to the lower row id (a plain sort). */
    static List<Long> topByPlainSort(TreeMap<Long, Row> rows, String column, int k) {
        return rows.values().stream()
                .sorted(java.util.Comparator.comparingDouble((Row r) -> -r.values().get(column))
                        .thenComparingLong(Row::rowId))
                .limit(k).map(Row::rowId).toList();
    }

    /** The row ids flagged true, ascending; an unset flag is an error. */
    static List<Long> flagged(TreeMap<Long, Row> rows) {
        for (Row r : rows.values()) {
            if (r.flagged() == null) {
                throw new IllegalStateException("row " + r.rowId() + " has no flag");
            }
        }
        return rows.values().stream().filter(Row::flagged).map(Row::rowId).toList();
    }

    /** Runs a scan in this JVM; the progress lines come back in {@code log}. */
    static ScanRunner.Outcome run(org.apache.spark.sql.SparkSession spark, ScanSettings s, StringBuilder log)
            throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            return new ScanRunner(SparkContexts.java(spark), ps).run(s);
        } finally {
            if (log != null) {
                log.append(buf.toString(StandardCharsets.UTF_8));
            }
        }
    }

    /** One scored row as read back. */
    record Row(long rowId, String caption, Map<String, Double> values, Boolean flagged) {
    }

    /** Every scored row of {@code out/scores} by row id; a row id met twice is an error. */
    static TreeMap<Long, Row> scores(Path out) throws IOException {
        TreeMap<Long, Row> rows = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(out.resolve("scores"))) {
            files = s.sorted().toList();
        }
        for (Path f : files) {
            try (ParquetReader<Group> r = ChunkParquet.reader(f, null)) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    Map<String, Double> v = new TreeMap<>();
                    for (Type t : g.getType().getFields()) {
                        if (t.isPrimitive() && t.asPrimitiveType().getPrimitiveTypeName()
                                == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE) {
                            v.put(t.getName(), g.getDouble(t.getName(), 0));
                        }
                    }
                    Boolean flag = g.getFieldRepetitionCount("flagged") == 0 ? null : g.getBoolean("flagged", 0);
                    Row row = new Row(g.getLong("row_id", 0), g.getString("caption", 0), v, flag);
                    if (rows.put(row.rowId(), row) != null) {
                        throw new IllegalStateException("row " + row.rowId() + " twice in " + out);
                    }
                }
            }
        }
        return rows;
    }

    /** Every reject of {@code out/rejects} by row id; a row id met twice is an error. */
    static TreeMap<Long, JsonNode> rejects(Path out) throws IOException {
        TreeMap<Long, JsonNode> rows = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(out.resolve("rejects"))) {
            files = s.sorted().toList();
        }
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                JsonNode n = JSON.readTree(line);
                if (rows.put(n.get("row_id").asLong(), n) != null) {
                    throw new IllegalStateException("reject " + n.get("row_id") + " twice in " + out);
                }
            }
        }
        return rows;
    }
}
