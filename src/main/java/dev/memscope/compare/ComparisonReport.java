package dev.memscope.compare;

import dev.memscope.eval.Roc;
import dev.memscope.report.BarChart;
import dev.memscope.report.Csv;
import dev.memscope.report.Json;
import dev.memscope.report.MarkdownReport;
import dev.memscope.report.RocChart;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a comparison's files into a folder: results.json, scores.csv (with the source's ground-truth labels
 * where it has them: role, copies, copy rate), roc.png, speed.png and report.md.
 */
public final class ComparisonReport {
    /** The files {@link #write} makes, in the order the console names them. */
    public static final List<String> FILES = List.of("results.json", "scores.csv", "roc.png", "speed.png",
            "report.md");

    private final Comparison run;
    private final ModelInfo model;
    private final Map<String, CaptionLabel> labels;
    private final boolean quick;
    private final String backend;

    public ComparisonReport(Comparison run, ModelInfo model, Map<String, CaptionLabel> labels, boolean quick,
                            String backend) {
        this.run = run;
        this.model = model;
        this.labels = labels;
        this.quick = quick;
        this.backend = backend;
    }

    public void write(Path folder) throws IOException {
        List<ComparisonRow> rows = run.rows();
        Json.write(folder.resolve("results.json"), results(rows));
        writeScores(folder.resolve("scores.csv"));

        RocChart roc = RocChart.titled("ROC: memorized vs non-memorized prompts (" + model.kind() + ")");
        for (Map.Entry<String, Roc> e : run.rocs().entrySet()) {
            roc.curve(e.getKey(), e.getValue().fpr(), e.getValue().tpr(), e.getValue().auc());
        }
        roc.writePng(folder.resolve("roc.png"));
        BarChart speed = BarChart.titled("Milliseconds per prompt (lower is faster)").valueAxis("ms per prompt")
                .categoryAxis("detector");
        for (ComparisonRow r : rows) {
            speed.bar(r.detector(), r.msPerPrompt());
        }
        speed.writePng(folder.resolve("speed.png"));

        MarkdownReport report = MarkdownReport.titled("MemScope detector comparison")
                .paragraph(String.format(Locale.ROOT, "%s; %d memorized vs %d non-memorized prompts%s; backend `%s`. "
                        + "Forward passes count one denoiser evaluation of one latent under one condition.",
                        model.about(), run.positives(), run.negatives(), quick ? " (--quick)" : "", backend))
                .table(Comparison.table(rows));
        if (!run.skipped().isEmpty()) {
            StringBuilder b = new StringBuilder("Skipped (the model source cannot serve them):");
            run.skipped().forEach((d, why) -> b.append(" `").append(d).append("` ").append(why).append(";"));
            report.paragraph(b.substring(0, b.length() - 1) + ".");
        }
        report.image("ROC curves", "roc.png")
                .image("Milliseconds per prompt", "speed.png")
                .write(folder.resolve("report.md"));
    }

    private Map<String, Object> results(List<ComparisonRow> rows) {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("model", model.fields());
        results.put("positives", run.positives());
        results.put("negatives", run.negatives());
        results.put("quick", quick);
        results.put("backend", backend);
        List<Map<String, Object>> dets = new ArrayList<>();
        for (ComparisonRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            Roc roc = run.rocs().get(r.detector());
            m.put("detector", r.detector());
            m.put("steps", r.cost().steps());
            m.put("imagesPerPrompt", r.cost().imagesPerPrompt());
            m.put("forwardPassesPerPrompt", r.passesPerPrompt());
            m.put("auc", r.auc());
            m.put("tprAt1PctFprNearest", r.tprNearest());
            m.put("tprAt1PctFprBelow", r.tprBelow());
            m.put("tprAt3PctFprNearest", r.tpr3Nearest());
            m.put("bestAccuracy", r.bestAccuracy());
            // +inf when flagging nothing is best; JSON has no infinity, so that case is null.
            double t = roc.bestAccuracyThreshold();
            m.put("bestAccuracyThreshold", Double.isFinite(t) ? t : null);
            m.put("msPerPrompt", r.msPerPrompt());
            m.put("speedupVsWenFull", r.speedup());
            m.put("roc", Map.of("fpr", roc.fpr(), "tpr", roc.tpr()));
            dets.add(m);
        }
        results.put("detectors", dets);
        if (!run.skipped().isEmpty()) {
            List<Map<String, Object>> sk = new ArrayList<>();
            run.skipped().forEach((d, why) -> sk.add(Map.of("detector", d, "reason", why)));
            results.put("skipped", sk);
        }
        return results;
    }

    private void writeScores(Path file) throws IOException {
        List<String> header = new ArrayList<>(List.of("index", "prompt", "memorized"));
        if (!labels.isEmpty()) {
            header.addAll(List.of("role", "copies", "copy_rate"));
        }
        header.addAll(run.scores().keySet());
        List<List<Object>> csvRows = new ArrayList<>();
        List<String> prompts = run.prompts();
        for (int i = 0; i < prompts.size(); i++) {
            List<Object> row = new ArrayList<>(List.of(i, prompts.get(i), run.memorized(i)));
            if (!labels.isEmpty()) {
                CaptionLabel l = labels.get(prompts.get(i));
                row.add(l == null ? null : l.role());
                row.add(l == null ? null : l.copies());
                row.add(l == null ? null : l.copyRate());
            }
            for (double[] s : run.scores().values()) {
                row.add(s[i]);
            }
            csvRows.add(row);
        }
        Csv.write(file, header, csvRows);
    }
}
