package dev.memscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.eval.imagespace.MetricModels;
import dev.memscope.eval.membench.TriggerCopying;
import dev.memscope.io.OutputFolder;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.membench.MemBenchRun;
import dev.memscope.membench.TestbedBench;
import dev.memscope.mitigate.Mitigations;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.progress.Progress;
import dev.memscope.report.Align;
import dev.memscope.report.CellFormat;
import dev.memscope.report.Json;
import dev.memscope.report.MarkdownReport;
import dev.memscope.report.ScatterChart;
import dev.memscope.report.Table;
import dev.memscope.source.CaptionLabel;
import dev.memscope.source.ModelSource;
import dev.memscope.source.ModelSources;
import dev.memscope.source.ModelSpec;
import dev.memscope.source.TestbedImages;
import dev.memscope.source.TestbedVariants;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code membench --model testbed}: the mitigation table on the learned testbed, in image space (docs/membench.md,
 * "On the testbed"). Trigger prompts are the memorized captions of labels.csv (reference: the caption's own item
 * image) and the committed word-level variants that still copy (models/testbed/triggers/variants.csv, kept rows;
 * reference: the source caption's item image); general prompts are the held-out and novel captions.
 */
final class TestbedMembench {
    /**
     * --quick: memorized captions, general prompts, images per prompt (sized for < 5 minutes on 2 shared cores), and
     * copying variants: 6 + 2 triggers keep the 8 trigger prompts the quick run had before variants existed (12 took
     * 218 s under load 13, too near the limit with the jar build).
     */
    static final int QUICK_TRIGGERS = 6;
    static final int QUICK_GENERAL = 8;
    static final int QUICK_IMAGES = 2;
    static final int QUICK_VARIANTS = 2;
    /** Full run default: images per prompt (MemBench uses 10 on SD; the CPU budget here allows 4). */
    static final int FULL_IMAGES = 4;
    static final long SUBSET_SEED = 15;

    private TestbedMembench() {
    }

    record Prompts(List<TestbedBench.Trigger> triggers, List<String> general) {
        int variants() {
            return (int) triggers.stream().filter(TestbedBench.Trigger::variant).count();
        }
    }

    /**
     * Triggers: memorized captions; general: held-out and novel captions; both in a seeded order, of which --quick
     * takes the first {@value #QUICK_TRIGGERS} and {@value #QUICK_GENERAL}, --limit and --general-limit the first N.
     */
    static Prompts prompts(Map<String, CaptionLabel> labels, TestbedImages images, boolean quick, Integer limit,
                           Integer generalLimit) {
        return prompts(labels, images, List.of(), quick, limit, null, generalLimit);
    }

    /**
     * As above, then the kept rows of {@code variants} (each checked against labels.csv: its source must be a
     * memorized caption of the same item) in a seeded order (seed {@value #SUBSET_SEED} + 2), of which --quick takes
     * the first {@value #QUICK_VARIANTS} and --variant-limit the first N. Triggers list the captions first.
     */
    static Prompts prompts(Map<String, CaptionLabel> labels, TestbedImages images, List<TestbedVariants.Row> variants,
                           boolean quick, Integer limit, Integer variantLimit, Integer generalLimit) {
        Map<Integer, Integer> indexOfItem = images.trainingIndexOfItem();
        List<TestbedBench.Trigger> triggers = new ArrayList<>();
        List<String> general = new ArrayList<>();
        labels.forEach((caption, l) -> {
            if (l.memorized()) {
                Integer idx = indexOfItem.get(Integer.parseInt(l.item()));
                if (idx == null) {
                    throw new IllegalArgumentException("testbed: memorized caption '" + caption + "' names item "
                            + l.item() + ", which has no training image in images.csv");
                }
                triggers.add(new TestbedBench.Trigger(caption, idx));
            } else if (l.role().equals("heldout") || l.role().equals("novel")) {
                general.add(caption);
            }
        });
        // seeded order, so that --quick and --limit / --general-limit take a mix of roles and duplication counts
        Collections.shuffle(triggers, new Random(SUBSET_SEED));
        Collections.shuffle(general, new Random(SUBSET_SEED + 1));
        List<TestbedBench.Trigger> copying = new ArrayList<>();
        for (TestbedVariants.Row v : variants) {
            if (!v.kept()) {
                continue;
            }
            CaptionLabel src = labels.get(v.source());
            if (src == null || !src.memorized() || !src.item().equals(Integer.toString(v.item()))) {
                throw new IllegalArgumentException("testbed: trigger variant '" + v.variant() + "' names source '"
                        + v.source() + "' (item " + v.item() + "), which labels.csv does not mark memorized with that "
                        + "item; rerun `memscope triggers --model testbed`");
            }
            if (labels.containsKey(v.variant())) {
                throw new IllegalArgumentException("testbed: trigger variant '" + v.variant() + "' is a labelled "
                        + "caption itself");
            }
            Integer idx = indexOfItem.get(v.item());
            if (idx == null) {
                throw new IllegalArgumentException("testbed: trigger variant '" + v.variant() + "' names item "
                        + v.item() + ", which has no training image in images.csv");
            }
            copying.add(new TestbedBench.Trigger(v.variant(), idx, true));
        }
        Collections.shuffle(copying, new Random(SUBSET_SEED + 2));
        int nt = limit != null ? limit : quick ? QUICK_TRIGGERS : triggers.size();
        int nv = variantLimit != null ? variantLimit : quick ? QUICK_VARIANTS : copying.size();
        int ng = generalLimit != null ? generalLimit : quick ? QUICK_GENERAL : general.size();
        List<TestbedBench.Trigger> all = new ArrayList<>(triggers.subList(0, Math.min(nt, triggers.size())));
        all.addAll(copying.subList(0, Math.min(nv, copying.size())));
        return new Prompts(List.copyOf(all), List.copyOf(general.subList(0, Math.min(ng, general.size()))));
    }

    static int run(MembenchCommand cmd, ModelSpec spec, PrintWriter stdout) throws IOException {
        Path dir = ModelSources.testbedDir(spec);
        int n = cmd.images != null ? cmd.images : cmd.quick ? QUICK_IMAGES : FULL_IMAGES;
        MemBenchRun.Settings settings = new MemBenchRun.Settings(n, cmd.steps, cmd.guidance, cmd.batch,
                cmd.amgConfig(), cmd.sailThreshold != null ? cmd.sailConfig()
                        : dev.memscope.mitigate.SailInitialNoiseOptimization.Config.defaults()
                                .withThreshold(TestbedBench.SAIL_THRESHOLD));
        String resolved = cmd.backend.resolved();
        long t0 = System.nanoTime();
        try (ModelSource source = ModelSources.open(spec, LabConfig.defaults(), resolved, cmd.model.onnxProvider);
             ScoreKernels k = Backends.create(resolved)) {
            var model = source.denoiser();
            TestbedImages images = TestbedImages.read(dir.resolve(TestbedImages.DIR), model.height());
            double tau = new ObjectMapper().readTree(dir.resolve("ground_truth.json").toFile()).path("tau").asDouble(
                    Double.NaN);
            try (MetricModels metrics = MetricModels.open(dir.resolve(MetricModels.DIR), model.channels(),
                    model.height())) {
                if (cmd.variantLimit != null && cmd.variantLimit < 0) {
                    throw new IllegalArgumentException("--variant-limit must be >= 0, got " + cmd.variantLimit);
                }
                Prompts p = prompts(source.labels(), images, TestbedVariants.readIfPresent(dir), cmd.quick, cmd.limit,
                        cmd.variantLimit, cmd.generalLimit);
                List<String> names = methods(cmd.methods, model instanceof EmbeddingGradientDenoiser,
                        m -> Mitigations.unsupported(m, model), stdout);
                stdout.printf(Locale.ROOT, "MemBench on the testbed (%s): %d trigger (%d memorized captions + %d "
                                + "copying variants) + %d general prompts x %d images; methods %s; copy threshold "
                                + "%.4f, TAU %.4f; backend %s%n", dir, p.triggers().size(),
                        p.triggers().size() - p.variants(), p.variants(), p.general().size(), n,
                        String.join(",", names), metrics.copyThreshold(), tau, resolved);
                stdout.flush();
                TestbedBench bench = new TestbedBench(model, k, settings, images, metrics, tau);
                double[] real = bench.realHeldoutUtility(images.heldoutCaptions());
                List<TestbedBench.MethodResult> results = new ArrayList<>();
                Progress progress = new ConsoleProgress();
                progress.start("membench testbed " + String.join(",", names),
                        bench.samplesPerMethod(p.triggers(), p.general()) * names.size());
                for (String name : names) {
                    results.add(bench.run(name, p.triggers(), p.general(), progress));
                }
                progress.done();
                double total = (System.nanoTime() - t0) / 1e9;
                Table table = table(results);
                stdout.println();
                stdout.print(table.toConsole());
                stdout.printf(Locale.ROOT, "real held-out images with their captions: CLIP score %.3f, Frechet %.3f%n",
                        real[0], real[1]);
                OutputFolder.write(cmd.out, folder -> write(folder, cmd, dir, results, table, p, settings, real,
                        metrics, tau, resolved, total));
                stdout.printf(Locale.ROOT, "%nwrote results.json, scatter.png, report.md to %s (%.1f s)%n", cmd.out,
                        total);
            }
        }
        return 0;
    }

    /** As {@link #methods(List, boolean, java.util.function.Function, PrintWriter)} for a model that runs Ren's. */
    static List<String> methods(List<String> requested, boolean embeddingGradient, PrintWriter stdout) {
        return methods(requested, embeddingGradient, m -> java.util.Optional.empty(), stdout);
    }

    /**
     * "all" expands to the registered methods this model supports; Wen needs the embedding gradient, Ren's the
     * cross-attention key inputs ({@code unsupported} gives the reason a method cannot run).
     */
    static List<String> methods(List<String> requested, boolean embeddingGradient,
                                java.util.function.Function<String, java.util.Optional<String>> unsupported,
                                PrintWriter stdout) {
        boolean all = requested.stream().anyMatch(r -> r.trim().equalsIgnoreCase("all"));
        List<String> names = MembenchCommand.resolveMethods(requested);
        if (!embeddingGradient && names.contains("wen")) {
            if (!all) {
                throw new IllegalArgumentException("--method wen: this testbed's ONNX folder has no unet_vjp.onnx, so "
                        + "the UNet gives no gradient with respect to the text embedding (docs/testbed.md, \"VJP graph\")");
            }
            names.remove("wen");
            stdout.println("note: wen skipped: the testbed's ONNX folder has no unet_vjp.onnx (no embedding gradient)");
        }
        return MembenchCommand.supported(requested, names, unsupported, stdout);
    }

    /** MemBench's copying metrics over the memorized captions and over the variants separately. */
    static Map<String, Object> byKind(Prompts p, TestbedBench.MethodResult r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (boolean variant : new boolean[] {false, true}) {
            List<TriggerCopying> of = new ArrayList<>();
            for (int i = 0; i < p.triggers().size(); i++) {
                if (p.triggers().get(i).variant() == variant) {
                    of.add(r.perPrompt().get(i));
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("prompts", of.size());
            if (!of.isEmpty()) {
                TriggerCopying mean = TriggerCopying.mean(of);
                m.put("copyMaxSimilarity", mean.maxSimilarity());
                m.put("copyTop3", mean.top3Similarity());
                m.put("copyShareAbove", mean.shareAbove());
            }
            out.put(variant ? "variants" : "captions", m);
        }
        return out;
    }

    static Table table(List<TestbedBench.MethodResult> results) {
        Table.Builder t = Table.builder()
                .column("method")
                .column("copy max-sim", Align.RIGHT, CellFormat.fixed(3))
                .column("top-3", Align.RIGHT, CellFormat.fixed(3))
                .column("share>thr", Align.RIGHT, CellFormat.percent(1))
                .column("RMS<TAU", Align.RIGHT, CellFormat.percent(1))
                .column("CLIP score", Align.RIGHT, CellFormat.fixed(3))
                .column("Frechet", Align.RIGHT, CellFormat.fixed(3))
                .column("time s", Align.RIGHT, CellFormat.fixed(1))
                .column("passes/image", Align.RIGHT, CellFormat.fixed(1));
        for (TestbedBench.MethodResult r : results) {
            t.row(r.method(), r.trigger().maxSimilarity(), r.trigger().top3Similarity(), r.trigger().shareAbove(),
                    r.rmsCopyShare(), r.clipScore(), r.frechet(), r.seconds(),
                    (double) r.forwardPasses() / r.samples());
        }
        return t.build();
    }

    private static void write(Path out, MembenchCommand cmd, Path dir, List<TestbedBench.MethodResult> results,
                              Table table, Prompts p, MemBenchRun.Settings s, double[] real, MetricModels metrics,
                              double tau, String backend, double total) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "memscope-membench-testbed/1");
        root.put("testbed", dev.memscope.io.Installation.display(dir));
        root.put("quick", cmd.quick);
        root.put("settings", Map.of("imagesPerPrompt", s.images(), "steps", s.steps(), "guidance", s.guidance(),
                "batch", s.batch(), "sampler", "DDIM eta 0, classifier-free guidance", "amg", s.amg().describe(),
                "amgDedup", s.amg().dedup().asMap(), "sailThreshold", s.sail().threshold()));
        root.put("backend", backend);
        root.put("triggerPrompts", p.triggers().size());
        root.put("triggerCaptions", p.triggers().size() - p.variants());
        root.put("triggerVariants", p.variants());
        root.put("generalPrompts", p.general().size());
        root.put("copyThreshold", metrics.copyThreshold());
        root.put("tau", tau);
        root.put("metrics", Map.of(
                "copyMaxSimilarity", "MemBench (SSCD role): per trigger prompt, max over its images of the copy "
                        + "embedding's cosine to the caption's training image; mean over prompts",
                "copyTop3", "MemBench: per prompt, mean of the 3 highest similarities",
                "copyShareAbove", "MemBench: per prompt, share of images above the copy threshold",
                "rmsCopyShare", "added: share of trigger images within TAU of their training image in the "
                        + "colour-normalised RMS distance (the testbed's labelling rule)",
                "clipScore", "MemBench (CLIP score role): mean cosine of the miniature CLIP's image and prompt "
                        + "embeddings over general-prompt images",
                "frechet", "FID's role: Frechet distance of general images' CLIP image features to "
                        + TestbedBench.FRECHET_REFERENCE + " real training images'"));
        root.put("realHeldout", Map.of("clipScore", real[0], "frechet", real[1]));
        List<Map<String, Object>> methods = new ArrayList<>();
        for (TestbedBench.MethodResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("copyMaxSimilarity", r.trigger().maxSimilarity());
            m.put("copyTop3", r.trigger().top3Similarity());
            m.put("copyShareAbove", r.trigger().shareAbove());
            m.put("rmsCopyShare", r.rmsCopyShare());
            m.put("clipScore", r.clipScore());
            m.put("frechet", r.frechet());
            m.put("seconds", r.seconds());
            m.put("forwardPasses", r.forwardPasses());
            m.put("samples", r.samples());
            m.put("statistics", r.statistics());
            List<Map<String, Object>> per = new ArrayList<>();
            for (int i = 0; i < p.triggers().size(); i++) {
                TriggerCopying c = r.perPrompt().get(i);
                per.add(Map.of("prompt", p.triggers().get(i).prompt(), "variant", p.triggers().get(i).variant(),
                        "max", c.maxSimilarity(), "top3", c.top3Similarity(), "share", c.shareAbove()));
            }
            m.put("perTrigger", per);
            m.put("byTriggerKind", byKind(p, r));
            methods.add(m);
        }
        root.put("methods", methods);
        root.put("totalSeconds", total);
        Json.write(out.resolve("results.json"), root);

        ScatterChart chart = ScatterChart.titled("Copying vs utility (MemBench on the testbed)")
                .axes("trigger max copy similarity (copy embedding; lower is better)",
                        "general CLIP score (miniature CLIP; higher is better)");
        for (TestbedBench.MethodResult r : results) {
            chart.point(r.method(), r.method(), r.trigger().maxSimilarity(), r.clipScore());
        }
        chart.writePng(out.resolve("scatter.png"));
        MarkdownReport.titled("MemBench mitigation comparison (testbed)")
                .paragraph(String.format(Locale.ROOT, "Testbed `%s`: %d trigger prompts (%d memorized captions and "
                                + "%d word-level variants that still copy) and %d "
                                + "general prompts (held-out and novel captions), %d images each%s; DDIM %d steps, "
                                + "guidance %s; backend `%s`; %.1f s in all. Copy threshold %.4f (copy embedding), "
                                + "TAU %.4f (RMS rule).", dir, p.triggers().size(), p.triggers().size() - p.variants(),
                        p.variants(), p.general().size(), s.images(),
                        cmd.quick ? " (--quick)" : "", s.steps(), s.guidance(), backend, total,
                        metrics.copyThreshold(), tau))
                .table(table)
                .paragraph(String.format(Locale.ROOT, "The real held-out images with their own captions score CLIP "
                        + "score %.3f and Frechet %.3f.", real[0], real[1]))
                .paragraph("Copying: MemBench's metrics on the copy-detection embedding (SSCD's role); RMS<TAU is "
                        + "added (the testbed's labelling rule). Utility: CLIP score and a Frechet distance on the "
                        + "miniature CLIP's image features (FID's role). See docs/membench.md and docs/metrics.md.")
                .image("Copying vs utility", "scatter.png")
                .write(out.resolve("report.md"));
    }
}
