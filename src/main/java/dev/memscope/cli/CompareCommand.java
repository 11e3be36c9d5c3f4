package dev.memscope.cli;

import dev.memscope.compare.Comparison;
import dev.memscope.compare.ComparisonReport;
import dev.memscope.data.PromptFiles;
import dev.memscope.detect.DetectorSettings;
import dev.memscope.detect.Detectors;
import dev.memscope.io.OutputFolder;
import dev.memscope.io.OutputPaths;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.source.DetectorChoice;
import dev.memscope.source.ModelSource;
import dev.memscope.source.PromptSets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memscope compare}: parses options, opens the model source, runs the {@link Comparison} and prints its
 * table; {@link ComparisonReport} writes the files, whole, into {@code --out}.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        header = "Runs every detector on memorized vs non-memorized prompts and writes a comparison report.",
        description = {"Scores the model source's memorized prompts (positives) against its non-memorized prompts "
                + "(negatives) with every detector (lab default: the world's captions from sd1_mem.txt and "
                + "sd1_nmem.txt), and prints detector, steps, images per prompt, forward passes per prompt, AUC, "
                + "TPR@1%%FPR (nearest ROC point and last point below 1%%), TPR@3%%FPR (nearest), best accuracy, ms per prompt and speed-up over "
                + "full-denoising Wen.",
                "Writes results.json, scores.csv, roc.png, speed.png and report.md into --out (the folder is "
                + "replaced whole: a failed or killed run leaves the previous one)."})
public final class CompareCommand implements Callable<Integer> {

    /** Prompts per class in a --quick run: enough for a coarse ROC, small enough for two minutes on two cores. */
    static final int QUICK_PROMPTS = 48;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    LabCommand.WorldOptions world = new LabCommand.WorldOptions();

    @Mixin
    BackendOption backend = new BackendOption();

    @Mixin
    DetectorOptions detectorOptions = new DetectorOptions();

    @Option(names = "--positives", description = "memorized prompts to score (default: the source's memorized "
            + "prompts)")
    Path positives;

    @Option(names = "--negatives", description = "non-memorized prompts to score (default: the source's "
            + "non-memorized prompts)")
    Path negatives;

    @Option(names = "--detectors", split = ",", description = "detectors to run (default: all, in paper order; "
            + "ren-entropy and ren-bos only on request, and only on models exposing cross-attention: the testbed)")
    List<String> detectors;

    @Option(names = "--limit", description = "score only the first N prompts of each class (default: all; --quick: "
            + QUICK_PROMPTS + ")")
    Integer limit;

    @Option(names = "--quick", description = "a subset of prompts (lab, onnx, replay: the first " + QUICK_PROMPTS
            + " of each class; testbed: 24 of each in a seeded shuffle) and one image per prompt (carlini: 4)")
    boolean quick;

    @Option(names = "--batch", defaultValue = "64", description = "latents per denoiser call (default 64)")
    int batch;

    @Option(names = "--out", defaultValue = "compare-out", description = "output folder (default: compare-out)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        OutputPaths.requireFolder("--out", out, inputs());
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        List<String> names = detectorNames();
        DetectorSettings settings = detectorOptions.settings();
        String resolved = backend.resolved();
        Comparison run;
        ComparisonReport report;
        try (ModelSource source = model.open(world, backend); ScoreKernels k = Backends.create(resolved)) {
            PromptSets defaults = positives != null && negatives != null ? null : source.defaultPrompts(quick);
            run = new Comparison(take(positives != null ? PromptFiles.read(positives) : defaults.positives()),
                    take(negatives != null ? PromptFiles.read(negatives) : defaults.negatives()), batch);
            stdout.printf(Locale.ROOT, "%s; %d positives vs %d negatives; backend %s%n", source.info().about(),
                    run.positives(), run.negatives(), backend.describe());
            stdout.flush();
            for (String name : names) {
                DetectorChoice.Choice c = DetectorChoice.choose(name, quick, source.capabilities(), settings);
                if (c.note() != null) {
                    stdout.println(c.note());
                    stdout.flush();
                }
                if (c.runs()) {
                    run.measure(c.detector(), source.denoiser(), k, ConsoleProgress::new);
                } else {
                    run.skip(c.requested(), c.skipped());
                }
            }
            report = new ComparisonReport(run, source.info(), source.labels(), quick, resolved);
        }
        stdout.println();
        stdout.print(run.table().toConsole());
        run.skipped().forEach((d, why) -> stdout.println("skipped " + d + ": " + why));
        stdout.flush();
        OutputFolder.write(out, report::write);
        stdout.println("\nwrote " + String.join(", ", ComparisonReport.FILES) + " to " + out);
        return 0;
    }

    private Path[] inputs() {
        List<Path> in = new ArrayList<>();
        if (positives != null) {
            in.add(positives);
        }
        if (negatives != null) {
            in.add(negatives);
        }
        if (model.onnx != null) {
            in.add(model.onnx);
        }
        if (model.replay != null) {
            in.add(model.replay);
        }
        if (model.model != null && model.spec().dir() != null) {
            in.add(model.spec().dir());
        }
        return in.toArray(Path[]::new);
    }

    /** The requested names, validated up front (a typo fails before any work), duplicates dropped. */
    private List<String> detectorNames() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String n : detectors == null ? Detectors.names() : detectors) {
            names.add(Detectors.create(n).name());
        }
        return new ArrayList<>(names);
    }

    private List<String> take(List<String> list) {
        int n = limit != null ? limit : quick ? QUICK_PROMPTS : list.size();
        if (n < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + n);
        }
        return list.size() > n ? list.subList(0, n) : list;
    }
}
