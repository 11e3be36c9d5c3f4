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
 * streaming passes over the primary column: memory holds the histogram and the top k, never the scores.
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
     * @param chunks    the number of chunks (all committed)
     * @param primary   the column ranked and plotted
     * @param topK      how many top rows to keep (the --top-k, else a default for the Markdown page)
     */
    public static Result write(Path out, ChunkStore store, int chunks, String primary, Double threshold, int topK,
                               String model) throws IOException {
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
                .named("memscope_scan");
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long scored = 0;
        long flagged = 0;
        // min-heap of the best k; ties broken by the lower row id winning, so the list is deterministic
        Comparator<Top> order = Comparator.comparingDouble(Top::score).thenComparing(Top::rowId,
                Comparator.reverseOrder());
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
                    scored++;
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    if (threshold != null && v >= threshold) {
                        flagged++;
                    }
                    Top t = new Top(g.getLong("row_id", 0), v, null, threshold == null ? null : v >= threshold);
                    if (heap.size() < topK) {
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
        Result res = new Result(rows, scored, rejected, flagged, min, max, bins, top);
        writeJson(out.resolve("summary.json"), res, primary, threshold, model);
        if (scored > 0) {
            BarChart chart = BarChart.titled("Scan: " + primary + " (" + model + ", " + scored + " captions)")
                    .valueAxis("captions").categoryAxis(primary + " (bin centre)");
            double w = (max - min) / BINS;
            for (int i = 0; i < BINS; i++) {
                chart.bar(String.format(Locale.ROOT, "%d: %.4g", i + 1, min + (i + 0.5) * w), bins[i]);
            }
            chart.writePng(out.resolve("histogram.png"), ChartSize.DEFAULT);
        }
        writeMarkdown(out.resolve("summary.md"), res, primary, threshold, model);
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

    private static void writeJson(Path file, Result r, String primary, Double threshold, String model)
            throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", model);
        o.put("primary", primary);
        o.put("rows", r.rows());
        o.put("scored", r.scored());
        o.put("rejected", r.rejected());
        if (threshold != null) {
            o.put("threshold", threshold);
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
        }
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n");
    }

    private static void writeMarkdown(Path file, Result r, String primary, Double threshold, String model)
            throws IOException {
        MarkdownReport md = MarkdownReport.titled("memscope scan: " + model);
        List<String> facts = new ArrayList<>();
        facts.add(r.rows() + " input rows: " + r.scored() + " scored, " + r.rejected() + " rejected (rejects/)");
        if (r.scored() > 0) {
            facts.add(String.format(Locale.ROOT, "%s from %.6g to %.6g", primary, r.min(), r.max()));
        }
        if (threshold != null) {
            facts.add(String.format(Locale.ROOT, "%d flagged at %s >= %s", r.flagged(), primary, threshold));
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
        for (Top x : r.top()) {
            if (threshold != null && !x.flagged()) {
                break;
            }
            t.row(rank++, x.rowId(), String.format(Locale.ROOT, "%.6g", x.score()),
                    x.flagged() == null ? "" : x.flagged().toString(), x.caption());
        }
        md.heading(2, threshold == null ? "Top captions by " + primary : "Top flagged captions");
        if (rank == 1) {
            md.paragraph("none");
        } else {
            md.table(t.build());
        }
        md.write(file);
    }
}
