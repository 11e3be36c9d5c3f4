package dev.memscope.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The plain-text tables {@code scripts/bench.sh} prints after a run: per kernel op, backend and batch the median
 * time and GB/s of compulsory traffic ({@link Traffic}, from {@code KernelOp}), with the allocation per op when
 * JMH ran {@code -prof gc}; DetectorBench rows as ms per prompt; AmgOverheadBench rows as ms per DDIM step and the
 * ratio to plain guidance. Rows of no known op (LabForwardBench, ...) keep their method name and no GB/s.
 */
public final class BenchSummary {
    private static final String ALLOC = "gc.alloc.rate.norm";

    private BenchSummary() {
    }

    /** The tables for {@code results}, mitigation and detector rows first, each table followed by a blank line. */
    public static List<String> lines(List<JmhResult> results) {
        List<JmhResult> mitigations = new ArrayList<>();
        List<JmhResult> detectors = new ArrayList<>();
        List<JmhResult> kernels = new ArrayList<>();
        for (JmhResult r : results) {
            (r.params().containsKey("method") ? mitigations : r.params().containsKey("detector") ? detectors : kernels)
                    .add(r);
        }
        List<String> out = new ArrayList<>();
        if (!mitigations.isEmpty()) {
            mitigationTable(mitigations, out);
        }
        if (!detectors.isEmpty()) {
            detectorTable(detectors, out);
        }
        if (!kernels.isEmpty()) {
            kernelTable(kernels, out);
        }
        if (!out.isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static double medianMillis(JmhResult r) {
        if (Units.higherIsBetter(r.mode())) {
            throw new IllegalArgumentException(r.file() + ": " + r.key() + " is in mode " + r.mode()
                    + "; run in AverageTime or SampleTime mode");
        }
        return r.canonical(r.median()) * 1e3;
    }

    private static void kernelTable(List<JmhResult> results, List<String> out) {
        record Row(String op, String backend, int batch, double micros, Double gbps, Double alloc) {
        }
        List<Row> rows = new ArrayList<>();
        for (JmhResult r : results) {
            Optional<String> op = Traffic.opOf(r.method());
            String batchText = r.params().get("batch");
            int batch = batchText == null ? 0 : Integer.parseInt(batchText);
            double micros = medianMillis(r) * 1e3;
            Double gbps = op.isPresent() && batch > 0 && micros > 0
                    ? Traffic.bytesPerCall(op.get(), batch) / (micros * 1e-6) / 1e9 : null;
            String backend = r.params().getOrDefault("backend",
                    Traffic.ALIASES.containsKey(r.method()) ? Traffic.ALIASES.get(r.method()).backend() : "?");
            JmhResult.Metric alloc = r.secondary().get(ALLOC);
            rows.add(new Row(op.orElse(r.method()), backend, batch, micros, gbps, alloc == null ? null : alloc.score()));
        }
        rows.sort(Comparator.comparing(Row::op).thenComparingInt(Row::batch).thenComparing(Row::backend));
        boolean showAlloc = rows.stream().anyMatch(r -> r.alloc() != null);
        String header = String.format(Locale.ROOT, "%-18s %-8s %6s %14s %9s", "op", "backend", "batch", "median (us)", "GB/s")
                + (showAlloc ? String.format(Locale.ROOT, " %12s", "alloc B/op") : "");
        out.add(header);
        out.add("-".repeat(header.length()));
        for (Row r : rows) {
            String line = String.format(Locale.ROOT, "%-18s %-8s %6d %14.2f %9s", r.op(), r.backend(), r.batch(), r.micros(),
                    r.gbps() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.gbps()));
            if (showAlloc) {
                line += String.format(Locale.ROOT, " %12s", r.alloc() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.alloc()));
            }
            out.add(line);
        }
        out.add("");
    }

    /** DetectorBench declares @OperationsPerInvocation(prompts), so its score is already per prompt. */
    private static void detectorTable(List<JmhResult> results, List<String> out) {
        String header = String.format(Locale.ROOT, "%-12s %-8s %6s %16s %10s", "detector", "backend", "batch", "median ms/prompt",
                "prompts/s");
        out.add(header);
        out.add("-".repeat(header.length()));
        results.stream().sorted(Comparator.comparing((JmhResult r) -> r.params().get("detector"))
                        .thenComparing(r -> r.params().getOrDefault("backend", "")))
                .forEach(r -> {
                    double ms = medianMillis(r);
                    out.add(String.format(Locale.ROOT, "%-12s %-8s %6s %16.3f %10.1f", r.params().get("detector"),
                            r.params().getOrDefault("backend", "?"), r.params().getOrDefault("batch", "-"), ms,
                            ms > 0 ? 1e3 / ms : 0.0));
                });
        out.add("");
    }

    /**
     * AmgOverheadBench declares @OperationsPerInvocation(steps): ms per DDIM step; TestbedMitigationBench its
     * images: ms per image. Either way the ratio to `none` is the method's overhead.
     */
    private static void mitigationTable(List<JmhResult> results, List<String> out) {
        boolean perImage = results.stream().allMatch(r -> r.benchmark().contains("TestbedMitigationBench"));
        Map<List<String>, Double> ms = new LinkedHashMap<>();
        for (JmhResult r : results) {
            ms.put(List.of(r.params().get("method"), r.params().getOrDefault("backend", "?")), medianMillis(r));
        }
        String header = String.format(Locale.ROOT, "%-8s %-8s %16s %14s", "method", "backend",
                perImage ? "median ms/image" : "median ms/step", "x plain DDIM");
        out.add(header);
        out.add("-".repeat(header.length()));
        ms.entrySet().stream().sorted(Comparator.comparing((Map.Entry<List<String>, Double> e) -> e.getKey().get(1))
                        .thenComparing(e -> !e.getKey().get(0).equals("none")).thenComparing(e -> e.getKey().get(0)))
                .forEach(e -> {
                    Double base = ms.get(List.of("none", e.getKey().get(1)));
                    out.add(String.format(Locale.ROOT, "%-8s %-8s %16.3f %14s", e.getKey().get(0), e.getKey().get(1), e.getValue(),
                            base == null || base == 0 ? "-" : String.format(Locale.ROOT, "%.2f", e.getValue() / base)));
                });
        out.add("");
    }
}
