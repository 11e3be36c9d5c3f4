package dev.memscope.cli;

import dev.memscope.data.PromptFiles;
import dev.memscope.detect.CountingDenoiser;
import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.DetectorCost;
import dev.memscope.detect.Detectors;
import dev.memscope.detect.Scores;
import dev.memscope.eval.Roc;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.model.replay.ReplayDenoiser;
import dev.memscope.model.replay.ReplayManifest;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.report.Align;
import dev.memscope.report.BarChart;
import dev.memscope.report.CellFormat;
import dev.memscope.report.Csv;
import dev.memscope.report.Json;
import dev.memscope.report.MarkdownReport;
import dev.memscope.report.RocChart;
import dev.memscope.report.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memscope compare}: every detector with its paper's defaults on memorized against non-memorized prompts,
 * on the lab world, in one paper-style table (cost in steps, images and forward passes; AUC; TPR at 1% FPR under
 * both conventions; time; speed-up over full-denoising Wen), plus results.json, scores.csv, ROC curves and a
 * Markdown report in {@code --out}. {@code --replay DIR} runs the same comparison on a real model's recorded outputs.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Runs every detector on memorized vs non-memorized prompts and writes a comparison report.",
        description = {"Builds the lab world (default: sd1_mem.txt memorized, sd1_nmem.txt not), scores the world's "
                + "memorized captions (positives) against its non-memorized captions (negatives) with every detector, "
                + "and prints detector, steps, images per prompt, forward passes per prompt, AUC, TPR@1%FPR (nearest "
                + "ROC point and last point below 1%), ms per prompt and speed-up over full-denoising Wen.",
                "Writes results.json, scores.csv, roc.png, speed.png and report.md into --out."})
public final class CompareCommand implements Callable<Integer> {

    /** Prompts per class in a --quick run: enough for a coarse ROC, small enough for two minutes on two cores. */
    static final int QUICK_PROMPTS = 48;
    private static final String BASELINE = "wen-full";
    private static final int WARMUP_PROMPTS = 4;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    LabCommand.WorldOptions world = new LabCommand.WorldOptions();

    @Option(names = "--positives", description = "memorized prompts to score (default: the world's memorized captions)")
    Path positives;

    @Option(names = "--negatives", description = "non-memorized prompts to score (default: the world's other captions)")
    Path negatives;

    @Option(names = "--detectors", split = ",", description = "detectors to run (default: all, in paper order)")
    List<String> detectors;

    @Option(names = "--limit", description = "score only the first N prompts of each class (default: all; --quick: "
            + QUICK_PROMPTS + ")")
    Integer limit;

    @Option(names = "--quick", description = "a subset of prompts and one image per prompt (carlini: 4), in under "
            + "two minutes")
    boolean quick;

    @Option(names = "--batch", defaultValue = "64", description = "latents per denoiser call (default 64)")
    int batch;

    @Option(names = "--out", defaultValue = "compare-out", description = "output folder (default: compare-out)")
    Path out;

    @Option(names = "--replay", paramLabel = "DIR", description = "compare on tensors recorded by "
            + "scripts/record_eps.py instead of the lab world: its mem / nmem prompts, every detector the recording "
            + "allows (the others are listed as skipped)")
    Path replay;

    @Option(names = "--onnx", paramLabel = "DIR", description = "compare on an exported Stable Diffusion (ONNX UNet, "
            + "text encoder, tokenizer; scripts/export_sd_onnx.md) instead of the lab world; prompts from --positives "
            + "/ --negatives (default: sd1_mem.txt / sd1_nmem.txt); exact sharpness becomes sharpness-fd")
    Path onnx;

    @Option(names = "--onnx-provider", defaultValue = "cpu", description = "with --onnx: cpu (default), cuda or auto")
    String onnxProvider;

    /** One detector's row of the comparison. */
    record Row(String detector, DetectorCost cost, double passesPerPrompt, double auc, double tprNearest,
               double tprBelow, double bestAccuracy, double msPerPrompt, Double speedup) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        if (replay != null && onnx != null) {
            throw new IllegalArgumentException("--replay and --onnx exclude each other: compare a recording or a model");
        }
        if (replay != null) {
            return compareReplay(stdout);
        }
        if (onnx != null) {
            return compareOnnx(stdout);
        }
        LabWorld w = LabWorld.build(world.config());
        Run run = new Run(take(positives == null ? captions(w, LabWorld.Kind.MEMORIZED) : PromptFiles.read(positives)),
                take(negatives == null ? captions(w, LabWorld.Kind.NONMEMORIZED) : PromptFiles.read(negatives)));
        List<String> names = detectors == null ? Detectors.names() : detectors;

        String backend = Backends.resolve(world.backend);
        stdout.printf(Locale.ROOT, "lab world: K = %d components, latent %dx%dx%d; %d positives vs %d negatives; "
                        + "backend %s%n", w.components(), w.channels(), w.height(), w.width(), run.npos, run.nneg,
                Backends.AUTO.equalsIgnoreCase(world.backend) ? Backends.describeAuto() : backend);
        stdout.flush();

        try (LabDenoiser model = new LabDenoiser(w, Gemms.create(backend)); ScoreKernels k = Backends.create(backend)) {
            for (String name : names) {
                run.measure(quick ? Detectors.createQuick(name) : Detectors.create(name), model, k);
            }
        }
        Map<String, Object> modelInfo = Map.of("kind", "lab", "components", w.components(),
                "latent", List.of(w.channels(), w.height(), w.width()), "config", w.config().asMap());
        String about = String.format(Locale.ROOT, "Lab world with K = %d components, latents %dx%dx%d",
                w.components(), w.channels(), w.height(), w.width());
        return run.finish(stdout, modelInfo, about, "lab", Map.of());
    }

    /**
     * One comparison: positives then negatives, every detector's row, ROC and scores as they are measured; then the
     * table, the files and the console summary, the same for the lab, ONNX and replay paths.
     */
    private final class Run {
        final List<String> prompts = new ArrayList<>();
        final boolean[] labels;
        final int npos;
        final int nneg;
        final List<Row> rows = new ArrayList<>();
        final Map<String, Roc> rocs = new LinkedHashMap<>();
        final Map<String, double[]> scores = new LinkedHashMap<>();

        Run(List<String> positives, List<String> negatives) {
            prompts.addAll(positives);
            prompts.addAll(negatives);
            npos = positives.size();
            nneg = negatives.size();
            labels = new boolean[prompts.size()];
            java.util.Arrays.fill(labels, 0, npos, true);
        }

        /** One detector's row: a short untimed warm-up, then the counted, timed run and its ROC. */
        void measure(Detector d, dev.memscope.model.Denoiser model, ScoreKernels k) {
            // A short untimed run first, so ms/prompt measures compiled code, not the JIT warming up.
            d.score(prompts.subList(0, Math.min(WARMUP_PROMPTS, prompts.size())),
                    new DetectionContext(model, k, batch, dev.memscope.progress.Progress.NONE));
            CountingDenoiser counting = new CountingDenoiser(model);
            Scores s = d.score(prompts, new DetectionContext(counting, k, batch, new ConsoleProgress()));
            Roc roc = Roc.of(s.values(), labels);
            rocs.put(d.name(), roc);
            scores.put(d.name(), s.values());
            rows.add(new Row(d.name(), d.cost(), (double) s.forwardPasses() / prompts.size(), roc.auc(),
                    roc.tprAtFprNearest(0.01), roc.tprAtFprBelow(0.01), roc.bestAccuracy(), s.millisPerPrompt(),
                    null));
        }

        /** Speed-ups, the table on stdout (and what was skipped), then every output file. */
        Integer finish(PrintWriter stdout, Map<String, Object> modelInfo, String about, String kind,
                       Map<String, String> skipped) throws Exception {
            List<Row> done = withSpeedups(rows);
            Table table = table(done);
            stdout.println();
            stdout.print(table.toConsole());
            for (Map.Entry<String, String> e : skipped.entrySet()) {
                stdout.println("skipped " + e.getKey() + ": " + e.getValue());
            }
            stdout.flush();
            write(this, done, table, modelInfo, about, kind, skipped);
            stdout.println("\nwrote results.json, scores.csv, roc.png, speed.png, report.md to " + out);
            return 0;
        }
    }

    /**
     * {@code --replay DIR}: the recording's mem prompts against its nmem prompts, every detector it can serve with
     * the images per prompt it recorded; the others are listed as skipped with what they need.
     */
    private Integer compareReplay(PrintWriter stdout) throws Exception {
        List<String> names = detectors == null ? Detectors.names() : detectors;
        String backend = Backends.resolve(world.backend);
        try (ReplayDenoiser model = ReplayDenoiser.open(replay); ScoreKernels k = Backends.create(backend)) {
            ReplayManifest m = model.manifest();
            List<String> mem = m.promptsLabelled("mem");
            List<String> nmem = m.promptsLabelled("nmem");
            if (mem.isEmpty() || nmem.isEmpty()) {
                throw new IllegalArgumentException(m.file() + ": compare needs prompts labelled mem and nmem (record "
                        + "with --mem and --nmem); it has " + mem.size() + " mem and " + nmem.size() + " nmem");
            }
            Run run = new Run(take(mem), take(nmem));
            stdout.printf(Locale.ROOT, "replay %s: model %s, %s, latent %dx%dx%d; %d positives vs %d negatives; "
                    + "backend %s%n", replay, m.model(), m.predictionType().diffusersName, m.channels(), m.height(),
                    m.width(), run.npos, run.nneg, backend);
            stdout.flush();
            Map<String, String> skipped = new LinkedHashMap<>();
            for (String name : names) {
                ReplayDetectors.Choice c = ReplayDetectors.choose(name, model.recorded());
                if (c.detector() == null) {
                    skipped.put(Detectors.create(name).name(), c.skipped());
                    continue;
                }
                run.measure(c.detector(), model, k);
            }
            Map<String, Object> modelInfo = new LinkedHashMap<>();
            modelInfo.put("kind", "replay");
            modelInfo.put("dir", replay.toString());
            modelInfo.put("model", m.model());
            modelInfo.put("predictionType", m.predictionType().diffusersName);
            modelInfo.put("latent", List.of(m.channels(), m.height(), m.width()));
            modelInfo.put("timesteps", m.timesteps());
            modelInfo.put("trajectorySteps", m.trajectorySteps());
            String about = String.format(Locale.ROOT, "Replay of `%s` recorded in `%s` (%s), latents %dx%dx%d",
                    m.model(), replay, m.predictionType().diffusersName, m.channels(), m.height(), m.width());
            return run.finish(stdout, modelInfo, about, "replay", skipped);
        }
    }

    /**
     * {@code --onnx DIR}: every detector on an exported real model. A real model has no analytic Jacobian, so the
     * exact sharpness detector is replaced by its finite-difference form (same score, twice the passes).
     */
    private Integer compareOnnx(PrintWriter stdout) throws Exception {
        Run run = new Run(take(PromptFiles.read(positives != null ? positives
                : PromptFiles.locateShared("sd1_mem.txt"))),
                take(PromptFiles.read(negatives != null ? negatives : PromptFiles.locateShared("sd1_nmem.txt"))));
        List<String> names = new ArrayList<>();
        for (String n : detectors == null ? Detectors.names() : detectors) {
            String key = n.trim().toLowerCase(Locale.ROOT);
            String fd = "sharpness".equals(key) ? "sharpness-fd" : key;
            if (!names.contains(fd)) {
                names.add(fd);
            }
        }
        String backend = Backends.resolve(world.backend);
        Map<String, Object> modelInfo = new LinkedHashMap<>();
        String about;
        try (dev.memscope.model.Denoiser model = OnnxModels.open(onnx, onnxProvider);
             ScoreKernels k = Backends.create(backend)) {
            stdout.printf(Locale.ROOT, "onnx model %s: %s, latent %dx%dx%d; %d positives vs %d negatives; backend %s%n",
                    onnx, model.predictionType(), model.channels(), model.height(), model.width(), run.npos,
                    run.nneg, backend);
            stdout.flush();
            for (String name : names) {
                run.measure(quick ? Detectors.createQuick(name) : Detectors.create(name), model, k);
            }
            modelInfo.put("kind", "onnx");
            modelInfo.put("dir", onnx.toString());
            modelInfo.put("provider", onnxProvider);
            modelInfo.put("predictionType", model.predictionType().toString());
            modelInfo.put("latent", List.of(model.channels(), model.height(), model.width()));
            about = String.format(Locale.ROOT, "ONNX model in `%s` (%s), latents %dx%dx%d", onnx,
                    model.predictionType(), model.channels(), model.height(), model.width());
        }
        return run.finish(stdout, modelInfo, about, "onnx", Map.of());
    }

    private List<String> take(List<String> list) {
        int n = limit != null ? limit : quick ? QUICK_PROMPTS : list.size();
        if (n < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + n);
        }
        return list.size() > n ? list.subList(0, n) : list;
    }

    private static List<String> captions(LabWorld w, LabWorld.Kind kind) {
        List<String> list = new ArrayList<>();
        for (int i : w.indicesOf(kind)) {
            list.add(w.captions().get(i));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("the lab world has no " + kind.name().toLowerCase(Locale.ROOT)
                    + " prompts to score");
        }
        return list;
    }

    /** Speed-up over full-denoising Wen, measured in the same run; absent when wen-full did not run. */
    private static List<Row> withSpeedups(List<Row> rows) {
        Row base = rows.stream().filter(r -> r.detector().equals(BASELINE)).findFirst().orElse(null);
        List<Row> result = new ArrayList<>();
        for (Row r : rows) {
            Double speedup = base == null || r.msPerPrompt() <= 0 ? null : base.msPerPrompt() / r.msPerPrompt();
            result.add(new Row(r.detector(), r.cost(), r.passesPerPrompt(), r.auc(), r.tprNearest(), r.tprBelow(),
                    r.bestAccuracy(), r.msPerPrompt(), speedup));
        }
        return result;
    }

    static Table table(List<Row> rows) {
        Table.Builder t = Table.builder()
                .column("detector")
                .column("steps", Align.RIGHT, CellFormat.integer())
                .column("images/prompt", Align.RIGHT, CellFormat.integer())
                .column("passes/prompt", Align.RIGHT, CellFormat.fixed(1))
                .column("AUC", Align.RIGHT, CellFormat.fixed(3))
                .column("TPR@1%FPR nearest", Align.RIGHT, CellFormat.fixed(3))
                .column("TPR@1%FPR below", Align.RIGHT, CellFormat.fixed(3))
                .column("best acc", Align.RIGHT, CellFormat.fixed(3))
                .column("ms/prompt", Align.RIGHT, CellFormat.fixed(2))
                .column("speed-up vs " + BASELINE, Align.RIGHT, CellFormat.times(1));
        for (Row r : rows) {
            t.row(r.detector(), r.cost().steps(), r.cost().imagesPerPrompt(), r.passesPerPrompt(), r.auc(),
                    r.tprNearest(), r.tprBelow(), r.bestAccuracy(), r.msPerPrompt(), r.speedup());
        }
        return t.build();
    }

    private void write(Run run, List<Row> rows, Table table, Map<String, Object> modelInfo, String about,
                       String kind, Map<String, String> skipped) throws Exception {
        Map<String, Roc> rocs = run.rocs;
        Map<String, double[]> scores = run.scores;
        List<String> prompts = run.prompts;
        boolean[] labels = run.labels;
        int npos = run.npos;
        int nneg = run.nneg;
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("model", modelInfo);
        results.put("positives", npos);
        results.put("negatives", nneg);
        results.put("quick", quick);
        results.put("backend", Backends.resolve(world.backend));
        List<Map<String, Object>> dets = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            Roc roc = rocs.get(r.detector());
            m.put("detector", r.detector());
            m.put("steps", r.cost().steps());
            m.put("imagesPerPrompt", r.cost().imagesPerPrompt());
            m.put("forwardPassesPerPrompt", r.passesPerPrompt());
            m.put("auc", r.auc());
            m.put("tprAt1PctFprNearest", r.tprNearest());
            m.put("tprAt1PctFprBelow", r.tprBelow());
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
        if (!skipped.isEmpty()) {
            List<Map<String, Object>> sk = new ArrayList<>();
            skipped.forEach((d, why) -> sk.add(Map.of("detector", d, "reason", why)));
            results.put("skipped", sk);
        }
        Json.write(out.resolve("results.json"), results);

        List<String> header = new ArrayList<>(List.of("index", "prompt", "memorized"));
        header.addAll(scores.keySet());
        List<List<Object>> csvRows = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            List<Object> row = new ArrayList<>(List.of(i, prompts.get(i), labels[i]));
            for (double[] s : scores.values()) {
                row.add(s[i]);
            }
            csvRows.add(row);
        }
        Csv.write(out.resolve("scores.csv"), header, csvRows);

        RocChart roc = RocChart.titled("ROC: memorized vs non-memorized prompts (" + kind + ")");
        for (Map.Entry<String, Roc> e : rocs.entrySet()) {
            roc.curve(e.getKey(), e.getValue().fpr(), e.getValue().tpr(), e.getValue().auc());
        }
        roc.writePng(out.resolve("roc.png"));
        BarChart speed = BarChart.titled("Milliseconds per prompt (lower is faster)").valueAxis("ms per prompt")
                .categoryAxis("detector");
        for (Row r : rows) {
            speed.bar(r.detector(), r.msPerPrompt());
        }
        speed.writePng(out.resolve("speed.png"));

        MarkdownReport report = MarkdownReport.titled("MemScope detector comparison")
                .paragraph(String.format(Locale.ROOT, "%s; %d memorized "
                        + "vs %d non-memorized prompts%s; backend `%s`. Forward passes count one denoiser evaluation "
                        + "of one latent under one condition.", about,
                        npos, nneg, quick ? " (--quick)" : "", Backends.resolve(world.backend)))
                .table(table);
        if (!skipped.isEmpty()) {
            StringBuilder b = new StringBuilder("Skipped (the recording cannot serve them):");
            skipped.forEach((d, why) -> b.append(" `").append(d).append("` ").append(why).append(";"));
            report.paragraph(b.substring(0, b.length() - 1) + ".");
        }
        report.image("ROC curves", "roc.png")
                .image("Milliseconds per prompt", "speed.png")
                .write(out.resolve("report.md"));
    }
}
