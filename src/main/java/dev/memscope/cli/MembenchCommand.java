package dev.memscope.cli;

import dev.memscope.data.MemBenchCsv;
import dev.memscope.data.MemBenchGroups;
import dev.memscope.data.PromptFiles;
import dev.memscope.eval.membench.PooledFeatures;
import dev.memscope.eval.membench.TriggerCopying;
import dev.memscope.io.OutputFolder;
import dev.memscope.io.OutputPaths;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.membench.BaseTriggerRule;
import dev.memscope.membench.MemBenchLab;
import dev.memscope.membench.MemBenchRun;
import dev.memscope.mitigate.Mitigations;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.progress.Progress;
import dev.memscope.report.Align;
import dev.memscope.report.CellFormat;
import dev.memscope.report.Json;
import dev.memscope.report.MarkdownReport;
import dev.memscope.report.ScatterChart;
import dev.memscope.report.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memscope membench}: MemBench-style evaluation of inference-time mitigations on the lab. Trigger prompts
 * (MemBench's CSV) are scored for copying of their group's reference image, general prompts for alignment and a
 * Frechet distance to exact samples; one row per method, plus results.json, scatter.png and report.md.
 */
@Command(name = "membench", mixinStandardHelpOptions = true,
        header = "Scores memorization mitigations MemBench-style on the lab or the testbed (copying vs utility).",
        description = {"Builds a lab world in which each MemBench reference-image group is one duplicated training "
                + "image captioned by its base triggers (docs/membench.md), samples every trigger prompt and every "
                + "general prompt --images times with DDIM under each --method (same initial noise for every method), "
                + "and prints: trigger max similarity, top-3 mean, share > 0.5 (copying; lower is better), general "
                + "alignment (higher is better), Frechet distance to exact samples (lower is better), time and "
                + "forward passes.",
                "With --model testbed: the testbed's memorized captions and their word-level variants that still "
                        + "copy (models/testbed/triggers/, `memscope triggers`) are the triggers and held-out and novel "
                        + "captions the general prompts, scored in image space with its copy embedding and miniature "
                        + "CLIP (docs/membench.md, docs/metrics.md); --csv, --general, --base-triggers, --config and "
                        + "--set do not apply.",
                "Writes results.json, scatter.png and report.md into --out."})
public final class MembenchCommand implements Callable<Integer> {
    /**
     * --quick: trigger prompts per group, general prompts and images per prompt. Sized for --method all in under
     * 3 minutes on 2 shared cores: with 4 images and 32 general prompts (340 samples) it took 88 s of CPU but 210 s
     * wall under a load of ~10 (AMG ~3.4x and Wen ~1.4x the time of none); 3 images and 24 general prompts (231
     * samples) leave headroom. docs/membench.md has the measurements.
     */
    static final int QUICK_PER_GROUP = 1;
    static final int QUICK_GENERAL = 24;
    static final int QUICK_IMAGES = 3;
    static final String DEFAULT_CSV = "MemBench_SD1_final.csv";
    static final String DEFAULT_GENERAL = "sd1_nmem.txt";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--method", split = ",", defaultValue = "all",
            description = "methods to compare, comma-separated, or all (default: all, in report order)")
    List<String> methods;

    @Option(names = "--quick", description = "a subset: " + QUICK_PER_GROUP + " trigger prompt per group, "
            + QUICK_GENERAL + " general prompts, " + QUICK_IMAGES + " images each (unless set explicitly)")
    boolean quick;

    @Option(names = "--images", description = "images per prompt (default 10; --quick: " + QUICK_IMAGES + ")")
    Integer images;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (default 50)")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", description = "classifier-free guidance scale (default 7.5)")
    double guidance;

    @Option(names = "--limit", description = "use only the first N rows of the CSV (world and trigger prompts)")
    Integer limit;

    @Option(names = "--variant-limit", description = "--model testbed: add only the first N copying trigger "
            + "variants of models/testbed/triggers/ (default: all; --quick: " + TestbedMembench.QUICK_VARIANTS
            + "; 0: none)")
    Integer variantLimit;

    @Option(names = "--general-limit", description = "score only the first N general prompts (default: all; "
            + "--quick: " + QUICK_GENERAL + ")")
    Integer generalLimit;

    @Option(names = "--csv", defaultValue = DEFAULT_CSV, description = "MemBench CSV (default: " + DEFAULT_CSV
            + " in the shared data)")
    String csv;

    @Option(names = "--general", defaultValue = DEFAULT_GENERAL, description = "general (non-memorized) prompts "
            + "(default: " + DEFAULT_GENERAL + "); they are also the world's non-memorized components")
    String general;

    @Option(names = "--base-triggers", defaultValue = "sqrt",
            description = "captions per reference image, the most central prompts of each group: a number, or sqrt "
                    + "for max(2, round(sqrt(group size))) (default sqrt)")
    String baseTriggers;

    @Option(names = "--config", description = "JSON file of lab config keys (see docs/lab.md)")
    Path config;

    @Option(names = "--set", description = "override a lab config key, e.g. --set beta=1e5 (repeatable)")
    List<String> assignments = new ArrayList<>();

    @Mixin
    BackendOption backend = new BackendOption();

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--amg-form", defaultValue = "sd-code",
            description = "AMG's form: sd-code (the authors' Stable Diffusion code, default) or paper")
    String amgForm;

    @Option(names = "--amg-coefficients", description = "c1,c2,c3 of --amg-form paper (required there)")
    String amgCoefficients;

    @Option(names = "--amg-gradient", defaultValue = "eps-constant",
            description = "dissimilarity gradient: eps-constant (authors, default) or exact (JVPs; the lab)")
    String amgGradient;

    @Option(names = "--amg-sigma", defaultValue = "sigma2", description = "sigma of the dissimilarity term: "
            + "sigma2 (recomputed after despecification and deduplication, authors, default) or single")
    String amgSigma;

    @Option(names = "--amg-dedup", defaultValue = "authors", description = "AMG's deduplication caption: authors "
            + "(most frequent among the 1,000 nearest training images, capped at the set's size, if >= 21 times, "
            + "else no deduplication; default) or memscope (10 nearest, >= 3 times, else the nearest caption)")
    String amgDedup;

    /** The AMG form the options ask for. */
    dev.memscope.mitigate.AmgConfig amgConfig() {
        return dev.memscope.mitigate.AmgConfig.parse(amgForm, amgCoefficients, amgGradient, amgSigma, amgDedup);
    }

    @Option(names = "--sail-threshold", description = "SAIL's loss threshold l_thres (default "
            + dev.memscope.mitigate.SailInitialNoiseOptimization.DEFAULT_THRESHOLD + " on the lab, "
            + dev.memscope.membench.TestbedBench.SAIL_THRESHOLD + " on the testbed, each the median loss of general "
            + "prompts; the authors' 8.2 is for SD v1.4's 4x64x64 latents)")
    Double sailThreshold;

    /** SAIL's settings: the authors' defaults with --sail-threshold where given. */
    dev.memscope.mitigate.SailInitialNoiseOptimization.Config sailConfig() {
        var d = dev.memscope.mitigate.SailInitialNoiseOptimization.Config.defaults();
        return sailThreshold == null ? d : d.withThreshold(sailThreshold);
    }

    @Option(names = "--batch", defaultValue = "64", description = "latents per sampler call (default 64)")
    int batch;

    @Option(names = "--out", defaultValue = "membench-out", description = "output folder (default: membench-out)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        if (model.spec().kind() == dev.memscope.source.ModelSpec.Kind.TESTBED) {
            OutputPaths.requireFolder("--out", out);
            return TestbedMembench.run(this, model.spec(), stdout);
        }
        model.requireLab("membench", "it builds a lab world from the MemBench groups, or runs on --model testbed");
        if (variantLimit != null) {
            throw new IllegalArgumentException("--variant-limit applies to --model testbed only");
        }
        OutputPaths.requireFolder("--out", out, inputs());
        List<String> names = resolveMethods(methods);
        int n = images != null ? images : quick ? QUICK_IMAGES : 10;
        MemBenchRun.Settings settings = new MemBenchRun.Settings(n, steps, guidance, batch, amgConfig(),
                sailConfig());
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
        if (generalLimit != null && generalLimit < 1) {
            throw new IllegalArgumentException("--general-limit must be >= 1, got " + generalLimit);
        }

        Path csvFile = PromptFiles.locateShared(csv);
        List<MemBenchCsv.Row> rows = MemBenchCsv.read(csvFile);
        if (limit != null && limit < rows.size()) {
            rows = rows.subList(0, limit);
        }
        List<MemBenchGroups.Group> groups = MemBenchGroups.group(csvFile, rows);
        List<String> generalAll = PromptFiles.read(PromptFiles.locateShared(general));
        LabConfig cfg = (config == null ? MemBenchLab.defaultConfig() : LabConfig.read(config, MemBenchLab.defaultConfig()))
                .withAssignments(assignments);
        MemBenchLab lab = MemBenchLab.build(cfg, groups, BaseTriggerRule.parse(baseTriggers), generalAll);
        LabWorld w = lab.world();
        List<MemBenchRun.Trigger> triggers = triggers(lab);
        int g = generalLimit != null ? generalLimit : quick ? QUICK_GENERAL : generalAll.size();
        List<String> generalPrompts = generalAll.subList(0, Math.min(g, generalAll.size()));
        if (w.height() % PooledFeatures.DEFAULT_GRID != 0 || w.width() % PooledFeatures.DEFAULT_GRID != 0) {
            throw new IllegalArgumentException("membench: latent " + w.height() + "x" + w.width() + " must be a "
                    + "multiple of " + PooledFeatures.DEFAULT_GRID + " in both sides (Frechet feature pooling)");
        }

        String resolved = backend.resolved();
        List<MemBenchRun.MethodResult> results = new ArrayList<>();
        MemBenchRun.Reference reference;
        long t0 = System.nanoTime();
        try (LabDenoiser labModel = new LabDenoiser(w, Gemms.create(resolved));
             ScoreKernels k = Backends.create(resolved)) {
            names = supported(methods, names, m -> Mitigations.unsupported(m, labModel), stdout);
            stdout.printf(Locale.ROOT, "MemBench lab: %d groups (%d base triggers), K = %d components, latent "
                            + "%dx%dx%d; %d trigger + %d general prompts x %d images; methods %s; backend %s%n",
                    groups.size(), lab.baseTriggers().stream().mapToInt(List::size).sum(), w.components(),
                    w.channels(), w.height(), w.width(), triggers.size(), generalPrompts.size(), n,
                    String.join(",", names), backend.describe());
            stdout.flush();
            MemBenchRun run = new MemBenchRun(lab, labModel, k, settings);
            run.warmUp(triggers.get(0).prompt());
            Progress progress = new ConsoleProgress();
            progress.start("membench " + String.join(",", names),
                    run.samplesPerMethod(triggers, generalPrompts) * names.size());
            for (String name : names) {
                results.add(run.run(name, triggers, generalPrompts, progress));
            }
            progress.done();
            reference = run.exactReference(generalPrompts);
        }
        double totalSeconds = (System.nanoTime() - t0) / 1e9;
        Table table = table(results);
        stdout.println();
        stdout.print(table.toConsole());
        stdout.printf(Locale.ROOT, "exact samples of p(x0|c) for the general prompts: alignment %.3f, Frechet %.3f "
                + "(the best a method can reach, up to sampling noise)%n", reference.alignment(), reference.frechet());
        stdout.flush();
        OutputFolder.write(out, folder -> write(folder, results, table, reference, lab, triggers, generalPrompts,
                settings, csvFile, resolved, totalSeconds));
        stdout.printf(Locale.ROOT, "%nwrote results.json, scatter.png, report.md to %s (%.1f s)%n", out, totalSeconds);
        return 0;
    }

    /**
     * {@code names} less the methods this model cannot run ({@code unsupported} gives the reason): under "all" they
     * are skipped with a note, asked for by name they are an error.
     */
    static List<String> supported(List<String> requested, List<String> names,
                                  java.util.function.Function<String, java.util.Optional<String>> unsupported,
                                  PrintWriter stdout) {
        boolean all = requested.stream().anyMatch(r -> r.trim().equalsIgnoreCase("all"));
        List<String> out = new ArrayList<>();
        for (String name : names) {
            java.util.Optional<String> why = unsupported.apply(name);
            if (why.isEmpty()) {
                out.add(name);
            } else if (all) {
                stdout.println("note: " + name + " skipped: " + why.get());
            } else {
                throw new IllegalArgumentException("--method " + name + ": " + why.get());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--method: none of " + names + " runs on this model");
        }
        return out;
    }

    /** Method names in report order; "all" expands to every registered method; unknown names are an error. */
    static List<String> resolveMethods(List<String> requested) {
        List<String> known = Mitigations.names();
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String r : requested) {
            String key = r.trim().toLowerCase(Locale.ROOT);
            if (key.equals("all")) {
                out.addAll(known);
            } else if (known.contains(key)) {
                out.add(key);
            } else {
                throw new IllegalArgumentException("unknown method '" + r + "'; known: " + String.join(", ", known)
                        + " (or all)");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--method: no method given; known: " + String.join(", ", known));
        }
        return new ArrayList<>(out);
    }

    /**
     * Every CSV row of every group (full), or per group the first {@link #QUICK_PER_GROUP} rows in file order that
     * are not base triggers (a variant, not a training caption), falling back to the group's first rows when every
     * row is a base trigger.
     */
    private List<MemBenchRun.Trigger> triggers(MemBenchLab lab) {
        List<MemBenchRun.Trigger> out = new ArrayList<>();
        for (int g = 0; g < lab.groups().size(); g++) {
            List<String> prompts = lab.groups().get(g).prompts();
            if (!quick) {
                for (String p : prompts) {
                    out.add(new MemBenchRun.Trigger(p, g));
                }
                continue;
            }
            Set<String> base = new HashSet<>(lab.baseTriggers().get(g));
            List<String> picked = new ArrayList<>();
            for (String p : prompts) {
                if (picked.size() < QUICK_PER_GROUP && !base.contains(p)) {
                    picked.add(p);
                }
            }
            for (String p : prompts) {
                if (picked.size() < QUICK_PER_GROUP && !picked.contains(p)) {
                    picked.add(p);
                }
            }
            for (String p : picked) {
                out.add(new MemBenchRun.Trigger(p, g));
            }
        }
        return out;
    }

    static Table table(List<MemBenchRun.MethodResult> results) {
        Table.Builder t = Table.builder()
                .column("method")
                .column("trigger max-sim", Align.RIGHT, CellFormat.fixed(3))
                .column("top-3", Align.RIGHT, CellFormat.fixed(3))
                .column("share>0.5", Align.RIGHT, CellFormat.percent(1))
                .column("general alignment", Align.RIGHT, CellFormat.fixed(3))
                .column("Frechet", Align.RIGHT, CellFormat.fixed(3))
                .column("time s", Align.RIGHT, CellFormat.fixed(1))
                .column("passes/image", Align.RIGHT, CellFormat.fixed(1));
        for (MemBenchRun.MethodResult r : results) {
            t.row(r.method(), r.trigger().maxSimilarity(), r.trigger().top3Similarity(), r.trigger().shareAbove(),
                    r.alignment(), r.frechet(), r.seconds(), (double) r.forwardPasses() / r.samples());
        }
        return t.build();
    }

    private Path[] inputs() {
        List<Path> in = new ArrayList<>(List.of(Path.of(csv), Path.of(general)));
        if (config != null) {
            in.add(config);
        }
        return in.toArray(Path[]::new);
    }

    private void write(Path out, List<MemBenchRun.MethodResult> results, Table table, MemBenchRun.Reference reference,
                       MemBenchLab lab,
                       List<MemBenchRun.Trigger> triggers, List<String> generalPrompts, MemBenchRun.Settings s,
                       Path csvFile, String resolved, double totalSeconds) throws java.io.IOException {
        LabWorld w = lab.world();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", "memscope-membench/1");
        root.put("csv", csvFile.toString());
        root.put("general", general);
        root.put("quick", quick);
        root.put("settings", Map.of("imagesPerPrompt", s.images(), "steps", s.steps(), "guidance", s.guidance(),
                "batch", s.batch(), "sampler", "DDIM eta 0, classifier-free guidance", "amg", s.amg().describe(),
                "amgDedup", s.amg().dedup().asMap(), "sailThreshold", s.sail().threshold()));
        root.put("backend", resolved);
        root.put("world", Map.of("groups", lab.groups().size(), "baseTriggersPerGroup", baseTriggers,
                "components", w.components(), "latent", List.of(w.channels(), w.height(), w.width()),
                "config", w.config().asMap()));
        root.put("triggerPrompts", triggers.size());
        root.put("generalPrompts", generalPrompts.size());
        root.put("metrics", Map.of(
                "triggerMaxSimilarity", "per prompt: max over its images of cos(x0, reference image), latent space",
                "triggerTop3", "per prompt: mean of the 3 highest similarities",
                "triggerShareAbove", "per prompt: share of images with similarity > " + TriggerCopying.THRESHOLD,
                "generalAlignment", "mean over images of cos(x0, E[x0|c]) (exact conditional mean)",
                "frechet", "Frechet distance of " + PooledFeatures.DEFAULT_GRID + "x" + PooledFeatures.DEFAULT_GRID
                        + " channel-pooled features, generated vs exact samples of p(x0|c)"));
        List<Map<String, Object>> methodsOut = new ArrayList<>();
        for (MemBenchRun.MethodResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("triggerMaxSimilarity", r.trigger().maxSimilarity());
            m.put("triggerTop3", r.trigger().top3Similarity());
            m.put("triggerShareAbove", r.trigger().shareAbove());
            m.put("generalAlignment", r.alignment());
            m.put("frechet", r.frechet());
            m.put("seconds", r.seconds());
            m.put("forwardPasses", r.forwardPasses());
            m.put("samples", r.samples());
            m.put("statistics", r.statistics());
            List<Map<String, Object>> per = new ArrayList<>();
            for (int i = 0; i < triggers.size(); i++) {
                TriggerCopying c = r.perPrompt().get(i);
                per.add(Map.of("prompt", triggers.get(i).prompt(), "group", triggers.get(i).group(),
                        "max", c.maxSimilarity(), "top3", c.top3Similarity(), "share", c.shareAbove()));
            }
            m.put("perTrigger", per);
            methodsOut.add(m);
        }
        root.put("methods", methodsOut);
        root.put("exactReference", Map.of("generalAlignment", reference.alignment(), "frechet", reference.frechet(),
                "what", "a second independent set of exact draws of p(x0|c), scored like a method"));
        root.put("totalSeconds", totalSeconds);
        Json.write(out.resolve("results.json"), root);

        ScatterChart chart = ScatterChart.titled("Copying vs utility (MemBench on the lab)")
                .axes("trigger max similarity to the reference image (copying, lower is better)",
                        "general prompt alignment (utility, higher is better)");
        for (MemBenchRun.MethodResult r : results) {
            chart.point(r.method(), r.method(), r.trigger().maxSimilarity(), r.alignment());
        }
        chart.writePng(out.resolve("scatter.png"));

        MarkdownReport.titled("MemBench mitigation comparison (lab)")
                .paragraph(String.format(Locale.ROOT, "%d reference-image groups (%d base-trigger captions), K = %d "
                                + "components, latents %dx%dx%d; %d trigger prompts and %d general prompts, %d images "
                                + "each%s; DDIM %d steps, guidance %s; backend `%s`; %.1f s in all.",
                        lab.groups().size(), lab.baseTriggers().stream().mapToInt(List::size).sum(), w.components(),
                        w.channels(), w.height(), w.width(), triggers.size(), generalPrompts.size(), s.images(),
                        quick ? " (--quick)" : "", s.steps(), s.guidance(), resolved, totalSeconds))
                .table(table)
                .paragraph(String.format(Locale.ROOT, "Exact samples of p(x0|c) for the same general prompts score "
                        + "alignment %.3f and Frechet %.3f: the best a method can reach, up to sampling noise.",
                        reference.alignment(), reference.frechet()))
                .paragraph("Copying (trigger max-sim, top-3, share > 0.5): cosine similarity in latent space to the "
                        + "group's training image, the lab's stand-in for SSCD. Utility: alignment is the cosine to "
                        + "the prompt's exact conditional mean (stand-in for the CLIP score); Frechet is FID's formula "
                        + "on " + PooledFeatures.DEFAULT_GRID + "x" + PooledFeatures.DEFAULT_GRID + " channel-pooled "
                        + "latents against exact samples of p(x0|c). Passes/image counts denoiser evaluations of one "
                        + "latent. See docs/membench.md.")
                .image("Copying vs utility", "scatter.png")
                .write(out.resolve("report.md"));
    }
}
