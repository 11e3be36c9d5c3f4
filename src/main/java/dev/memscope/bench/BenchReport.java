package dev.memscope.bench;

import dev.memscope.report.Align;
import dev.memscope.report.BarChart;
import dev.memscope.report.CellFormat;
import dev.memscope.report.GroupedBarChart;
import dev.memscope.report.MarkdownReport;
import dev.memscope.report.Palette;
import dev.memscope.report.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Charts and a Markdown page from JMH results of the project's suites: GB/s of compulsory traffic per kernel and
 * backend (KernelBench, FusedVsComposedBench, CudaResidentBench; one chart per batch size, optionally against the
 * machine's measured bandwidth), GFLOP/s of LabForwardBench (its {@code gflop} counter) and the speed-up of each
 * detector over {@code wen-full} in DetectorBench. Only suites present in the inputs get a section. Results of
 * other classes are listed in a table of their own, not charted.
 */
public final class BenchReport {

    static final Set<String> KERNEL_SUITES = Set.of("KernelBench", "FusedVsComposedBench", "CudaResidentBench");
    static final String LAB = "LabForwardBench";
    static final String DETECTORS = "DetectorBench";
    static final String FULL_DENOISING = "wen-full";

    private final List<JmhResult> results;
    private final List<String> inputs;
    private final double bandwidthGBps;

    /**
     * @param bandwidthGBps the machine's measured memory bandwidth, drawn as a reference line; NaN for none
     */
    public BenchReport(List<JmhResult> results, List<String> inputs, double bandwidthGBps) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no benchmark results to report");
        }
        if (!Double.isNaN(bandwidthGBps) && !(bandwidthGBps > 0 && Double.isFinite(bandwidthGBps))) {
            throw new IllegalArgumentException("--bandwidth must be a positive number of GB/s, got " + bandwidthGBps);
        }
        this.results = List.copyOf(results);
        this.inputs = List.copyOf(inputs);
        this.bandwidthGBps = bandwidthGBps;
    }

    /** One KernelBench-like row: GB/s from the median time per call. */
    record KernelRow(String op, String backend, int batch, double medianSeconds, double gbps) {
    }

    List<KernelRow> kernelRows() {
        List<KernelRow> rows = new ArrayList<>();
        Map<String, JmhResult> seen = new LinkedHashMap<>();
        // KernelBench first, so its rows keep the plain backend names when an alias collides with them.
        List<JmhResult> ordered = new ArrayList<>(results);
        ordered.sort(Comparator.comparing(r -> !r.suite().equals("KernelBench")));
        for (JmhResult r : ordered) {
            if (!KERNEL_SUITES.contains(r.suite())) {
                continue;
            }
            Optional<String> op = Traffic.opOf(r.method());
            String batchText = r.params().get("batch");
            if (op.isEmpty() || batchText == null || Units.higherIsBetter(r.mode())) {
                continue;
            }
            int batch;
            try {
                batch = Integer.parseInt(batchText.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(r.file() + ": " + r.benchmark() + " has param batch = '"
                        + batchText + "'; the kernel charts need a whole number");
            }
            String backend = r.params().getOrDefault("backend",
                    Traffic.ALIASES.containsKey(r.method()) ? Traffic.ALIASES.get(r.method()).backend() : r.method());
            double seconds = r.canonical(r.median());
            // The same op, backend and batch twice (FusedVsComposedBench's fused cpu run beside KernelBench's, or
            // two files of one suite) would be one bar: name the second by its suite, or failing that its file.
            String key = op.get() + " " + backend + " " + batch;
            JmhResult first = seen.putIfAbsent(key, r);
            if (first != null) {
                String file = Path.of(r.file()).getFileName().toString();
                String label = backend + " (" + (first.suite().equals(r.suite()) ? file : r.suite()) + ")";
                if (seen.putIfAbsent(op.get() + " " + label + " " + batch, r) != null) {
                    label = backend + " (" + r.suite() + ", " + file + ")";
                    if (seen.putIfAbsent(op.get() + " " + label + " " + batch, r) != null) {
                        throw new IllegalArgumentException(r.file() + ": " + r.key() + " given twice");
                    }
                }
                backend = label;
            }
            double gbps = Traffic.bytesPerCall(op.get(), batch) / seconds / 1e9;
            rows.add(new KernelRow(op.get(), backend, batch, seconds, gbps));
        }
        return rows;
    }

    /** Writes the PNGs and report.md into {@code dir} (created if missing); returns the files written. */
    public List<Path> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        MarkdownReport md = MarkdownReport.titled("MemScope benchmarks")
                .paragraph("From " + String.join(", ", inputs.stream().map(s -> "`" + s + "`").toList()) + ".");
        kernels(dir, md, written);
        lab(dir, md, written);
        detectors(dir, md, written);
        others(md);
        Path report = dir.resolve("report.md");
        md.write(report);
        written.add(report);
        return written;
    }

    private void kernels(Path dir, MarkdownReport md, List<Path> written) throws IOException {
        List<KernelRow> rows = kernelRows();
        if (rows.isEmpty()) {
            return;
        }
        md.heading(2, "Kernels: GB/s of compulsory traffic");
        md.paragraph("Every input read once and every output written once (`dev.memscope.bench.Traffic`), "
                + "divided by the median time per call; the same bytes for every backend."
                + (Double.isNaN(bandwidthGBps) ? ""
                        : " Reference line: measured bandwidth " + bandwidthGBps + " GB/s."));
        for (int batch : new TreeSet<>(rows.stream().map(KernelRow::batch).toList())) {
            GroupedBarChart chart = GroupedBarChart.titled("Kernel throughput, batch " + batch)
                    .axes("kernel", "GB/s").palette(Palette.fresh());
            List<KernelRow> atBatch = rows.stream().filter(r -> r.batch() == batch).toList();
            // A grouped chart needs every series in every group; a backend timed on fewer ops (an alias such as
            // FusedVsComposedBench's) goes to the table only, with a note, rather than as a misleading zero bar.
            long ops = atBatch.stream().map(KernelRow::op).distinct().count();
            Map<String, Long> opsPerBackend = new LinkedHashMap<>();
            atBatch.forEach(r -> opsPerBackend.merge(r.backend(), 1L, Long::sum));
            List<String> partial = opsPerBackend.entrySet().stream().filter(e -> e.getValue() < ops)
                    .map(Map.Entry::getKey).toList();
            if (partial.size() == opsPerBackend.size()) {
                md.paragraph("Batch " + batch + ": no backend was timed on every op; see the table.");
                continue;
            }
            atBatch.stream().filter(r -> !partial.contains(r.backend()))
                    .forEach(r -> chart.value(r.backend(), r.op(), r.gbps()));
            if (!partial.isEmpty()) {
                md.paragraph("Batch " + batch + ": " + String.join(", ", partial)
                        + " timed on only some ops: in the table, not the chart.");
            }
            if (!Double.isNaN(bandwidthGBps)) {
                chart.referenceLine("measured bandwidth", bandwidthGBps);
            }
            String name = "kernels-gbps-batch" + batch + ".png";
            chart.writePng(dir.resolve(name));
            written.add(dir.resolve(name));
            md.image("GB/s per kernel and backend, batch " + batch, name);
        }
        Table.Builder t = Table.builder().column("op").column("backend")
                .column("batch", Align.RIGHT, CellFormat.integer())
                .column("median (us)", Align.RIGHT, CellFormat.fixed(2))
                .column("GB/s", Align.RIGHT, CellFormat.fixed(1));
        rows.stream().sorted(Comparator.comparing(KernelRow::op).thenComparingInt(KernelRow::batch)
                        .thenComparing(KernelRow::backend))
                .forEach(r -> t.row(r.op(), r.backend(), r.batch(), r.medianSeconds() * 1e6, r.gbps()));
        md.table(t.build());
    }

    private void lab(Path dir, MarkdownReport md, List<Path> written) throws IOException {
        List<JmhResult> lab = results.stream().filter(r -> r.suite().equals(LAB)).toList();
        if (lab.isEmpty()) {
            return;
        }
        md.heading(2, "Lab forward: GFLOP/s");
        GroupedBarChart chart = GroupedBarChart.titled("Lab forward GEMMs").axes("benchmark", "GFLOP/s")
                .palette(Palette.fresh());
        Table.Builder t = Table.builder().column("benchmark").column("params")
                .column("ops/s", Align.RIGHT, CellFormat.fixed(2))
                .column("GFLOP/s", Align.RIGHT, CellFormat.fixed(1));
        // Series: the backend, plus the other params where the inputs hold more than one set of them (two
        // world sizes), plus the file where two inputs time the very same thing.
        boolean severalShapes = lab.stream().map(BenchReport::paramsWithoutBackend).distinct().count() > 1;
        Map<String, Map<String, Double>> bySeries = new LinkedHashMap<>();
        for (JmhResult r : lab) {
            Double gflops = gflops(r);
            t.row(r.method(), r.paramsText(), Units.higherIsBetter(r.mode()) ? r.canonical(r.score()) : null, gflops);
            if (gflops == null) {
                continue;
            }
            String series = r.params().getOrDefault("backend", "?")
                    + (severalShapes ? " " + paramsWithoutBackend(r) : "");
            if (bySeries.computeIfAbsent(series, k -> new LinkedHashMap<>()).containsKey(r.method())) {
                series = series + " (" + Path.of(r.file()).getFileName() + ")";
            }
            if (bySeries.computeIfAbsent(series, k -> new LinkedHashMap<>()).put(r.method(), gflops) != null) {
                throw new IllegalArgumentException(r.file() + ": " + r.key() + " given twice");
            }
        }
        long methods = bySeries.values().stream().flatMap(m -> m.keySet().stream()).distinct().count();
        List<String> partial = new ArrayList<>();
        boolean charted = false;
        for (Map.Entry<String, Map<String, Double>> e : bySeries.entrySet()) {
            if (e.getValue().size() < methods) {
                partial.add(e.getKey());
                continue;
            }
            e.getValue().forEach((method, value) -> chart.value(e.getKey(), method, value));
            charted = true;
        }
        if (!partial.isEmpty()) {
            md.paragraph(String.join(", ", partial) + " timed on only some benchmarks: in the table, not the chart.");
        }
        if (charted) {
            chart.writePng(dir.resolve("lab-gflops.png"));
            written.add(dir.resolve("lab-gflops.png"));
            md.image("GFLOP/s of the lab forward per backend", "lab-gflops.png");
        } else {
            md.paragraph("No complete `gflop` series in these results (it needs throughput mode), so no chart.");
        }
        md.table(t.build());
    }

    private static String paramsWithoutBackend(JmhResult r) {
        StringBuilder sb = new StringBuilder();
        r.params().forEach((k, v) -> {
            if (!k.equals("backend")) {
                sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v);
            }
        });
        return sb.toString();
    }

    /** The gflop counter in GFLOP per second, or null where it is absent or not a rate. */
    private static Double gflops(JmhResult r) {
        JmhResult.Metric m = r.secondary().get("gflop");
        if (m == null || !m.unit().startsWith("ops/")) {
            return null;
        }
        return m.score() / Units.seconds(m.unit().substring(4), m.unit());
    }

    private void detectors(Path dir, MarkdownReport md, List<Path> written) throws IOException {
        List<JmhResult> det = results.stream()
                .filter(r -> r.suite().equals(DETECTORS) && !Units.higherIsBetter(r.mode())).toList();
        if (det.isEmpty()) {
            return;
        }
        md.heading(2, "Detectors: cost per prompt");
        // Speed-ups are ratios within one backend and batch: group by everything but the detector.
        Map<String, Map<String, Double>> msByGroup = new LinkedHashMap<>();
        for (JmhResult r : det) {
            Map<String, String> rest = new LinkedHashMap<>(r.params());
            String detector = rest.remove("detector");
            if (detector == null) {
                continue;
            }
            StringBuilder group = new StringBuilder();
            rest.forEach((k, v) -> group.append(group.length() == 0 ? "" : ",").append(k).append('=').append(v));
            msByGroup.computeIfAbsent(group.toString(), k -> new LinkedHashMap<>())
                    .put(detector, r.canonical(r.score()) * 1e3);
        }
        Table.Builder t = Table.builder().column("detector").column("params")
                .column("ms/prompt", Align.RIGHT, CellFormat.fixed(2))
                .column("speed-up vs " + FULL_DENOISING, Align.RIGHT, CellFormat.times(1));
        int chartIndex = 0;
        for (Map.Entry<String, Map<String, Double>> g : msByGroup.entrySet()) {
            Double full = g.getValue().get(FULL_DENOISING);
            String where = g.getKey().isEmpty() ? "" : " (" + g.getKey() + ")";
            BarChart chart = BarChart.titled("Speed-up over " + FULL_DENOISING + where)
                    .valueAxis("x faster than " + FULL_DENOISING).palette(Palette.fresh());
            for (Map.Entry<String, Double> d : g.getValue().entrySet()) {
                Double speedUp = full == null ? null : full / d.getValue();
                t.row(d.getKey(), g.getKey(), d.getValue(), speedUp);
                if (speedUp != null) {
                    chart.bar(d.getKey(), speedUp);
                }
            }
            if (full == null) {
                md.paragraph("No `" + FULL_DENOISING + "` row for " + g.getKey() + ": no speed-up chart.");
                continue;
            }
            chart.referenceLine(FULL_DENOISING, 1);
            String name = chartIndex++ == 0 ? "detector-speedup.png" : "detector-speedup-" + chartIndex + ".png";
            chart.writePng(dir.resolve(name));
            written.add(dir.resolve(name));
            md.image("Detector speed-up over " + FULL_DENOISING, name);
        }
        md.table(t.build());
    }

    private void others(MarkdownReport md) {
        List<JmhResult> rest = results.stream()
                .filter(r -> !KERNEL_SUITES.contains(r.suite()) && !r.suite().equals(LAB)
                        && !r.suite().equals(DETECTORS))
                .toList();
        if (rest.isEmpty()) {
            return;
        }
        md.heading(2, "Other benchmarks");
        Table.Builder t = Table.builder().column("benchmark").column("params").column("mode")
                .column("score", Align.RIGHT, CellFormat.fixed(3)).column("error", Align.RIGHT, CellFormat.fixed(3))
                .column("unit");
        rest.forEach(r -> t.row(r.shortName(), r.paramsText(), r.mode(), r.score(),
                Double.isNaN(r.scoreError()) ? null : r.scoreError(), r.unit()));
        md.table(t.build());
    }
}
