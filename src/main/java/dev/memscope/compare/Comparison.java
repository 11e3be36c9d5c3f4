package dev.memscope.compare;

import dev.memscope.detect.CountingDenoiser;
import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.Scores;
import dev.memscope.eval.Roc;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Denoiser;
import dev.memscope.progress.Progress;
import dev.memscope.report.Align;
import dev.memscope.report.CellFormat;
import dev.memscope.report.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One comparison: positives then negatives; every detector's row, ROC and scores as they are measured; detectors
 * the source cannot serve, with the reason. The same for every model source.
 */
public final class Comparison {
    /** The detector speed-ups are measured against. */
    public static final String BASELINE = "wen-full";
    /** Prompts of the untimed warm-up run, so ms/prompt measures compiled code, not the JIT warming up. */
    static final int WARMUP_PROMPTS = 4;

    private final List<String> prompts = new ArrayList<>();
    private final boolean[] labels;
    private final int npos;
    private final int nneg;
    private final int batch;
    private final List<ComparisonRow> rows = new ArrayList<>();
    private final Map<String, Roc> rocs = new LinkedHashMap<>();
    private final Map<String, double[]> scores = new LinkedHashMap<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();

    public Comparison(List<String> positives, List<String> negatives, int batch) {
        if (positives.isEmpty() || negatives.isEmpty()) {
            throw new IllegalArgumentException("compare needs at least one positive and one negative prompt, got "
                    + positives.size() + " and " + negatives.size());
        }
        prompts.addAll(positives);
        prompts.addAll(negatives);
        npos = positives.size();
        nneg = negatives.size();
        this.batch = batch;
        labels = new boolean[prompts.size()];
        Arrays.fill(labels, 0, npos, true);
    }

    /** One detector's row: a short untimed warm-up, then the counted, timed run and its ROC. */
    public void measure(Detector d, Denoiser model, ScoreKernels k, Supplier<Progress> progress) {
        d.score(prompts.subList(0, Math.min(WARMUP_PROMPTS, prompts.size())),
                new DetectionContext(model, k, batch, Progress.NONE));
        Scores s = d.score(prompts, new DetectionContext(new CountingDenoiser(model), k, batch, progress.get()));
        Roc roc = Roc.of(s.values(), labels);
        rocs.put(d.name(), roc);
        scores.put(d.name(), s.values());
        rows.add(new ComparisonRow(d.name(), d.cost(), (double) s.forwardPasses() / prompts.size(), roc.auc(),
                roc.tprAtFprNearest(0.01), roc.tprAtFprBelow(0.01), roc.tprAtFprNearest(0.03), roc.bestAccuracy(), s.millisPerPrompt(), null));
    }

    /** Records a detector the source cannot serve, and why ("needs ..."). */
    public void skip(String detector, String reason) {
        skipped.put(detector, reason);
    }

    /** The rows with their speed-up over {@link #BASELINE}, measured in the same run (null where it did not run). */
    public List<ComparisonRow> rows() {
        ComparisonRow base = rows.stream().filter(r -> r.detector().equals(BASELINE)).findFirst().orElse(null);
        List<ComparisonRow> out = new ArrayList<>();
        for (ComparisonRow r : rows) {
            out.add(r.withSpeedup(base == null || r.msPerPrompt() <= 0 ? null : base.msPerPrompt() / r.msPerPrompt()));
        }
        return out;
    }

    public Table table() {
        return table(rows());
    }

    static Table table(List<ComparisonRow> rows) {
        Table.Builder t = Table.builder()
                .column("detector")
                .column("steps", Align.RIGHT, CellFormat.integer())
                .column("images/prompt", Align.RIGHT, CellFormat.integer())
                .column("passes/prompt", Align.RIGHT, CellFormat.fixed(1))
                .column("AUC", Align.RIGHT, CellFormat.fixed(3))
                .column("TPR@1%FPR nearest", Align.RIGHT, CellFormat.fixed(3))
                .column("TPR@1%FPR below", Align.RIGHT, CellFormat.fixed(3))
                .column("TPR@3%FPR", Align.RIGHT, CellFormat.fixed(3))
                .column("best acc", Align.RIGHT, CellFormat.fixed(3))
                .column("ms/prompt", Align.RIGHT, CellFormat.fixed(2))
                .column("speed-up vs " + BASELINE, Align.RIGHT, CellFormat.times(1));
        for (ComparisonRow r : rows) {
            t.row(r.detector(), r.cost().steps(), r.cost().imagesPerPrompt(), r.passesPerPrompt(), r.auc(),
                    r.tprNearest(), r.tprBelow(), r.tpr3Nearest(), r.bestAccuracy(), r.msPerPrompt(), r.speedup());
        }
        return t.build();
    }

    public List<String> prompts() {
        return Collections.unmodifiableList(prompts);
    }

    public boolean memorized(int i) {
        return labels[i];
    }

    boolean[] labels() {
        return labels.clone();
    }

    public int positives() {
        return npos;
    }

    public int negatives() {
        return nneg;
    }

    public Map<String, Roc> rocs() {
        return Collections.unmodifiableMap(rocs);
    }

    public Map<String, double[]> scores() {
        return Collections.unmodifiableMap(scores);
    }

    public Map<String, String> skipped() {
        return Collections.unmodifiableMap(skipped);
    }
}
