package dev.memscope.triggers;

import dev.memscope.report.Align;
import dev.memscope.report.CellFormat;
import dev.memscope.report.Csv;
import dev.memscope.report.Json;
import dev.memscope.report.MarkdownReport;
import dev.memscope.report.ScatterChart;
import dev.memscope.report.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a search's results.json, chains.csv, recall.png and report.md into a folder. */
public final class SearchReport {
    public static final List<String> FILES = List.of("results.json", "chains.csv", "recall.png", "report.md");

    private final List<TriggerSearch.ChainResult> chains;
    private final List<TriggerSearch.BudgetPoint> curve;
    private final Map<String, Object> setup;
    private final int memorizedImages;
    private final double wallSeconds;

    public SearchReport(List<TriggerSearch.ChainResult> chains, List<TriggerSearch.BudgetPoint> curve,
                        Map<String, Object> setup, int memorizedImages, double wallSeconds) {
        this.chains = chains;
        this.curve = curve;
        this.setup = setup;
        this.memorizedImages = memorizedImages;
        this.wallSeconds = wallSeconds;
    }

    /** Share of chains whose best prompt copies when generated (copy rate >= 0.5 over its generations). */
    public double precision() {
        long n = chains.stream().filter(c -> c.check().copiesTraining()).count();
        return chains.isEmpty() ? Double.NaN : (double) n / chains.size();
    }

    public Table table() {
        Table.Builder t = Table.builder().column("chain", Align.RIGHT, CellFormat.integer()).column("best prompt")
                .column("D", Align.RIGHT, CellFormat.fixed(1))
                .column("search passes", Align.RIGHT, CellFormat.integer())
                .column("copy rate", Align.RIGHT, CellFormat.fixed(2))
                .column("clusters", Align.RIGHT, CellFormat.integer())
                .column("copied items");
        for (TriggerSearch.ChainResult c : chains) {
            t.row(c.chain(), c.prompt(), c.bestD(), c.searchPasses(), c.check().copyRate(),
                    c.check().clusters().size(), c.check().copiedItems().toString());
        }
        return t.build();
    }

    public String summary() {
        TriggerSearch.BudgetPoint last = curve.isEmpty() ? null : curve.get(curve.size() - 1);
        return String.format(Locale.ROOT, "%d chains: %d of %d memorized images found (recall %.3f) with %d forward "
                        + "passes (%d searching, %d checking); precision of found prompts %.3f; %.0f s wall",
                chains.size(), last == null ? 0 : last.found(), memorizedImages,
                last == null ? Double.NaN : last.recall(), last == null ? 0 : last.passes(),
                last == null ? 0 : last.searchPasses(), last == null ? 0 : last.passes() - last.searchPasses(),
                precision(), wallSeconds);
    }

    public void write(Path folder) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>(setup);
        r.put("memorizedImages", memorizedImages);
        r.put("precision", precision());
        r.put("wallSeconds", wallSeconds);
        List<Map<String, Object>> cs = new ArrayList<>();
        for (TriggerSearch.ChainResult c : chains) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("chain", c.chain());
            m.put("seed", c.config().seed());
            m.put("iterations", c.iterations());
            m.put("bestPrompt", c.prompt());
            m.put("bestD", c.bestD());
            m.put("searchPasses", c.searchPasses());
            m.put("checkPasses", c.check().passes());
            m.put("generations", c.check().generations());
            m.put("copies", c.check().copies());
            m.put("copyRate", c.check().copyRate());
            m.put("copiesTraining", c.check().copiesTraining());
            m.put("clusterSizes", c.check().clusters().stream().map(CopyCheck.Cluster::size).toList());
            m.put("copiedItems", c.check().copiedItems());
            cs.add(m);
        }
        r.put("chains", cs);
        List<Map<String, Object>> pts = new ArrayList<>();
        for (TriggerSearch.BudgetPoint p : curve) {
            pts.add(Map.of("chains", p.chains(), "searchPasses", p.searchPasses(), "passes", p.passes(),
                    "found", p.found(), "recall", Double.isNaN(p.recall()) ? 0.0 : p.recall()));
        }
        r.put("recallVsBudget", pts);
        Json.write(folder.resolve("results.json"), r);
        Csv.write(folder.resolve("chains.csv"), table());
        ScatterChart chart = ScatterChart.titled("Memorized images found vs forward passes")
                .axes("forward passes (search + copy check)", "recall (share of memorized images)");
        for (TriggerSearch.BudgetPoint p : curve) {
            chart.point("after N chains", String.valueOf(p.chains()), p.passes(),
                    Double.isNaN(p.recall()) ? 0 : p.recall());
        }
        chart.writePng(folder.resolve("recall.png"));
        MarkdownReport.titled("MemScope trigger search").paragraph(summary() + ".").table(table())
                .image("recall vs budget", "recall.png").write(folder.resolve("report.md"));
    }
}
