package dev.memscope.scan.summary;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memscope.io.AtomicFiles;
import dev.memscope.report.Align;
import dev.memscope.report.BarChart;
import dev.memscope.report.CellFormat;
import dev.memscope.report.ChartSize;
import dev.memscope.report.MarkdownReport;
import dev.memscope.report.Table;
import dev.memscope.scan.store.ChunkParquet;
import dev.memscope.scan.store.ChunkStore;
import dev.memscope.scan.store.TopKFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The scan's summary, made from the committed chunks (so a resumed scan summarizes every chunk, not only this
 * run's): {@code summary.json} (counts, score range, histogram, the top captions), {@code histogram.png} (the
 * primary score, i.e. the first detector's) and {@code summary.md} (counts and the top flagged captions). Two
 * streaming passes over the primary column: memory holds the histogram and the listed rows, never the scores. The
 * flags are read from the chunk files, not recomputed, so the summary counts and lists what the Parquet dataset
 * holds; a flag that disagrees with the flag rule (threshold or top k) stops it as an internal error.
 */
public final class ScanSummary {
    /** Histogram bins of the PNG and JSON. */
    public static final int BINS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A row of the top list. */
    public record Top(long rowId, double score, String caption, Boolean flagged) {
    }

    public record Result(long rows, long scored, long rejected, long flagged, double min, double max, long[] bins,
                         List<Top> top) {
    }

    private ScanSummary() {
    }

    /**
     * @param chunks    the number of chunks (all committed, and with {@code topK} flagged)
     * @param primary   the column ranked and plotted
     * @param threshold the --threshold the flags were set with, or null
     * @param topK      the --top-k the flags were set with, or null
     * @param listed    how many of the best rows to list (--summary-rows)
     */
    public static Result write(Path out, ChunkStore store, int chunks, String primary, Double threshold, Integer topK,
                               int listed, String model) throws IOException {
        long rows = 0;
        long rejected = 0;
        for (int k = 0; k < chunks; k++) {
            var m = store.readMarker(k);
            rows += m.get("rows").asLong();
            rejected += m.get("rejected").asLong();
        }
        MessageType projection = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).named("row_id")
                .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("caption")
                .required(PrimitiveTypeName.DOUBLE).named(primary)
                .optional(PrimitiveTypeName.BOOLEAN).named("flagged")
                .named("memscope_scan");
        boolean flags = threshold != null || topK != null;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long scored = 0;
        long flagged = 0;
        // min-heap of the best rows, ranked as the top-k flags are (equal scores: the lower row id first)
        Comparator<Top> order = (a, b) -> TopKFlags.compare(a.score(), a.rowId(), b.score(), b.rowId());
        PriorityQueue<Top> heap = new PriorityQueue<>(order);
        for (int k = 0; k < chunks; k++) {
            Path f = store.scoreFile(k);
            if (!Files.exists(f)) {
                continue;   // every row of the chunk was rejected
            }
            try (ParquetReader<Group> r = ChunkParquet.reader(f, projection)) {
                for (Group g = r.read(); g != null; g = r.read()) {
                    double v = g.getDouble(primary, 0);
                    if (!Double.isFinite(v)) {
                        throw new IllegalStateException(f + ": " + primary + " of row " + g.getLong("row_id", 0)
                                + " is " + v);
                    }
                    long id = g.getLong("row_id", 0);
                    Boolean flag = g.getFieldRepetitionCount("flagged") == 0 ? null : g.getBoolean("flagged", 0);
                    if (flags != (flag != null) || threshold != null && flag != (v >= threshold)) {
                        throw new IllegalStateException(f + ": row " + id + " has flagged = " + flag + " with "
                                + primary + " " + v + ", threshold " + threshold + ", top k " + topK);
                    }
                    scored++;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    flagged += Boolean.TRUE.equals(flag) ? 1 : 0;
                    Top t = new Top(id, v, null, flag);
                    if (heap.size() < listed) {
                        heap.add(withCaption(t, g));
                    } else if (order.compare(t, heap.peek()) > 0) {
                        heap.poll();
                        heap.add(withCaption(t, g));
                    }
                }
            }
        }
        if (scored + rejected != rows) {
            throw new IllegalStateException("the chunks hold " + scored + " scored and " + rejected + " rejected rows "
                    + "but their markers count " + rows);
        }
        if (topK != null && flagged != Math.min(topK, scored)) {
            throw new IllegalStateException("--top-k " + topK + ": the chunks flag " + flagged + " of " + scored
                    + " scored rows");
        }
        long[] bins = new long[BINS];
        if (scored > 0) {
            for (int k = 0; k < chunks; k++) {
                Path f = store.scoreFile(k);
                if (!Files.exists(f)) {
                    continue;
                }
                try (ParquetReader<Group> r = ChunkParquet.reader(f, projection)) {
                    for (Group g = r.read(); g != null; g = r.read()) {
                        bins[bin(g.getDouble(primary, 0), min, max)]++;
                    }
                }
            }
        }
        List<Top> top = new ArrayList<>(heap);
        top.sort(order.reversed());
        for (int i = 0; topK != null && i < top.size(); i++) {
            if (top.get(i).flagged() != i < topK) {
                throw new IllegalStateException("--top-k " + topK + ": the row ranked " + (i + 1) + " (row "
                        + top.get(i).rowId() + ") has flagged = " + top.get(i).flagged());
            }
        }
        Result res = new Result(rows, scored, rejected, flagged, min, max, bins, top);
        writeJson(out.resolve("summary.json"), res, primary, threshold, topK, model);
        if (scored > 0) {
            BarChart chart = BarChart.titled("Scan: " + primary + " (" + model + ", " + scored + " captions)")
                    .valueAxis("captions").categoryAxis(primary + " (bin centre)");
            double w = (max - min) / BINS;
            for (int i = 0; i < BINS; i++) {
                chart.bar(String.format(Locale.ROOT, "%d: %.4g", i + 1, min + (i + 0.5) * w), bins[i]);
            }
            chart.writePng(out.resolve("histogram.png"), ChartSize.DEFAULT);
        }
        writeMarkdown(out.resolve("summary.md"), res, primary, threshold, topK, model);
        return res;
    }

    private static Top withCaption(Top t, Group g) {
        return new Top(t.rowId(), t.score(), g.getString("caption", 0), t.flagged());
    }

    static int bin(double v, double min, double max) {
        if (max <= min) {
            return 0;
        }
        int b = (int) Math.floor((v - min) / (max - min) * BINS);
        return Math.max(0, Math.min(BINS - 1, b));
    }

    private static void writeJson(Path file, Result r, String primary, Double threshold, Integer topK, String model)
            throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", model);
        o.put("primary", primary);
        o.put("rows", r.rows());
        o.put("scored", r.scored());
        o.put("rejected", r.rejected());
        if (threshold != null) {
            o.put("threshold", threshold);
        }
        if (topK != null) {
            o.put("top_k", topK.intValue());
        }
        if (threshold != null || topK != null) {
            o.put("flagged", r.flagged());
        }
        if (r.scored() > 0) {
            o.put("min", r.min());
            o.put("max", r.max());
            ArrayNode b = o.putArray("histogram");
            for (long v : r.bins()) {
                b.add(v);
            }
        }
        ArrayNode t = o.putArray("top");
        for (Top x : r.top()) {
            ObjectNode e = t.addObject();
            e.put("row_id", x.rowId());
            e.put("score", x.score());
            e.put("caption", x.caption());
            if (x.flagged() != null) {
                e.put("flagged", x.flagged());
            }
        }
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    private static void writeMarkdown(Path file, Result r, String primary, Double threshold, Integer topK,
                                      String model) throws IOException {
        MarkdownReport md = MarkdownReport.titled("memscope scan: " + model);
        List<String> facts = new ArrayList<>();
        facts.add(r.rows() + " input rows: " + r.scored() + " scored, " + r.rejected() + " rejected (rejects/)");
        if (r.scored() > 0) {
            facts.add(String.format(Locale.ROOT, "%s from %.6g to %.6g", primary, r.min(), r.max()));
        }
        if (threshold != null) {
            facts.add(String.format(Locale.ROOT, "%d flagged at %s >= %s", r.flagged(), primary, threshold));
        }
        if (topK != null) {
            facts.add(String.format(Locale.ROOT, "%d flagged: the top %d by %s (equal scores: the lower row id "
                    + "first; flagged.parquet lists them all)", r.flagged(), topK, primary));
        }
        md.bullets(facts);
        if (r.scored() > 0) {
            md.image(primary + " histogram", "histogram.png");
        }
        Table.Builder t = Table.builder()
                .column("rank", Align.RIGHT, CellFormat.text())
                .column("row_id", Align.RIGHT, CellFormat.text())
                .column(primary, Align.RIGHT, CellFormat.text())
                .column("flagged", Align.LEFT, CellFormat.text())
                .column("caption", Align.LEFT, CellFormat.text());
        int rank = 1;
        boolean flags = threshold != null || topK != null;
        for (Top x : r.top()) {
            if (flags && !x.flagged()) {
                break;
            }
            t.row(rank++, x.rowId(), String.format(Locale.ROOT, "%.6g", x.score()),
                    x.flagged() == null ? "" : x.flagged().toString(), x.caption());
        }
        md.heading(2, flags ? "Top flagged captions" : "Top captions by " + primary);
        if (rank == 1) {
            md.paragraph("none");
        } else {
            md.table(t.build());
        }
        md.write(file);
    }
}
