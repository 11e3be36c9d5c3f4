package dev.memscope.cli;

import dev.memscope.io.OutputPaths;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.progress.Progress;
import dev.memscope.report.Csv;
import dev.memscope.source.ModelSource;
import dev.memscope.triggers.BigramSlotModel;
import dev.memscope.triggers.GuidanceScore;
import dev.memscope.triggers.TriggerAugmenter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code memscope augment-trigger}: MemBench's Algorithm 2 on a found trigger, on any model source. */
@Command(name = "augment-trigger", mixinStandardHelpOptions = true,
        header = "Augments a trigger prompt slot by slot (MemBench Algorithm 2).",
        description = {"Masks each word slot of --prompt in turn, draws --k words from the language model at "
                + "--temperature (1.5), scores the variants by D = ||eps_c - eps_u||^2 at t = 999 and keeps those "
                + "at or above the threshold (--threshold, or --relative x D(trigger)); stops after --patience "
                + "iterations without a new variant. Prints the variants grouped by word edit distance to the "
                + "trigger; --out writes them as CSV (variant, D, edit_distance)."})
public final class AugmentTriggerCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    LabCommand.WorldOptions world = new LabCommand.WorldOptions();

    @Mixin
    BackendOption backend = new BackendOption();

    @Mixin
    TriggerOptions trigger = new TriggerOptions();

    @Option(names = "--prompt", required = true, description = "the trigger to augment")
    String prompt;

    @Option(names = "--k", defaultValue = "50", description = "words drawn per slot (default 50)")
    int k;

    @Option(names = "--temperature", defaultValue = "1.5", description = "language model temperature (default 1.5)")
    double temperature;

    @Option(names = "--threshold", description = "keep variants with D >= this (default: --relative x D(trigger))")
    Double threshold;

    @Option(names = "--relative", defaultValue = "0.8", description = "threshold as a share of the trigger's D "
            + "(default 0.8)")
    double relative;

    @Option(names = "--patience", defaultValue = "3", description = "stop after this many iterations without a new "
            + "variant (default 3)")
    int patience;

    @Option(names = "--max-iterations", defaultValue = "30", description = "iterations at most (default 30)")
    int maxIterations;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the word draws (default 0)")
    long seed;

    @Option(names = "--out", description = "CSV of the variants (default: print only)")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (out != null) {
            OutputPaths.requireFile("--out", out);
        }
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("--threshold must be finite, got " + threshold);
        }
        if (!(relative > 0) || !Double.isFinite(relative) || k < 1 || patience < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("need --relative > 0, --k >= 1, --patience >= 1 and "
                    + "--max-iterations >= 1");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        TriggerAugmenter.Result r;
        try (ModelSource source = model.open(world, backend); ScoreKernels kernels = Backends.create(
                backend.resolved())) {
            BigramSlotModel lm = trigger.languageModel(source);
            GuidanceScore d = new GuidanceScore(source.denoiser(), kernels, trigger.batch, trigger.noiseSeed);
            Progress p = new ConsoleProgress();
            p.start("augment-trigger", 1 + (long) maxIterations * k);
            r = new TriggerAugmenter(lm, d, trigger.banned()).augment(prompt, k, temperature,
                    threshold == null ? Double.NaN : threshold, relative, patience, maxIterations, seed, p::advance);
            p.done();
        }
        stdout.printf(Locale.ROOT, "trigger '%s': D = %.4f; threshold %.4f; %d variants in %d iterations%s, %d "
                + "forward passes%n", r.trigger(), r.triggerD(), r.threshold(), r.variants().size(), r.iterations(),
                r.stoppedEarly() ? " (stopped early)" : "", r.passes());
        r.byEditDistance().forEach((dist, vs) -> {
            stdout.printf(Locale.ROOT, "edit distance %d: %d variants%n", dist, vs.size());
            for (TriggerAugmenter.Variant v : vs.subList(0, Math.min(5, vs.size()))) {
                stdout.printf(Locale.ROOT, "  %.4f  %s%n", v.d(), v.prompt());
            }
        });
        if (out != null) {
            List<List<Object>> rows = new ArrayList<>();
            for (TriggerAugmenter.Variant v : r.variants()) {
                rows.add(List.of(v.prompt(), v.d(), v.editDistance()));
            }
            Csv.write(out, List.of("variant", "D", "edit_distance"), rows);
            stdout.println("wrote " + out);
        }
        stdout.flush();
        return 0;
    }
}
