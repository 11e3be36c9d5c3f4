package dev.memscope.cli;

import dev.memscope.report.Csv;
import dev.memscope.data.PromptFiles;
import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.DetectorSettings;
import dev.memscope.detect.Detectors;
import dev.memscope.detect.Scores;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.io.OutputPaths;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.source.DetectorChoice;
import dev.memscope.source.ModelSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memscope detect}: scores a prompt list with one detector on any model source ({@code --model}; a replay
 * with as many images per prompt as were recorded) and writes {@code index,prompt,score,flagged} as CSV
 * (atomically: temp file, then rename). The detector is chosen by {@link DetectorChoice}, as in compare.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Score prompts (text, .jsonl with 'caption', or MemBench .csv) with one memorization detector.")
public final class DetectCommand implements Callable<Integer> {
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

    @Option(names = "--prompts", description = "prompt file: .txt (one per line), .jsonl, .csv (replay and testbed: "
            + "default every prompt they know)")
    Path prompts;

    @Option(names = "--detector", required = true,
            description = "anisotropy, wen-first, wen-full, sharpness, carlini (or sharpness-fd); sharpness becomes "
                    + "sharpness-fd on a model without exact Jacobian-vector products; ren-entropy, ren-bos (Ren et al.'s "
                    + "cross-attention statistics) on models exposing attention (the testbed)")
    String detector;

    @Option(names = "--threshold", description = "flag prompts whose score is >= this value")
    Double threshold;

    @Option(names = "--out", description = "output CSV (default: print to stdout)")
    Path out;

    @Option(names = "--quick", description = "fewer images / generations per prompt (1; carlini 4)")
    boolean quick;

    @Option(names = "--batch", defaultValue = "64", description = "latents per denoiser call (default 64)")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("--threshold must be finite, got " + threshold);
        }
        if (out != null) {
            OutputPaths.requireFile("--out", out, prompts == null ? new Path[0] : new Path[] {prompts});
        }
        if (prompts == null && !model.spec().kind().listsPrompts()) {
            throw new IllegalArgumentException("--prompts FILE is required for --model " + model.spec()
                    + " (replay and testbed default to every prompt they know)");
        }
        DetectorSettings settings = detectorOptions.settings();
        if (settings.setsAnisotropy() && !Detectors.isAnisotropy(detector)) {
            throw new IllegalArgumentException("--preset, --g, --alignment and --alignment-space apply to the "
                    + "anisotropy detectors, not to " + detector);
        }
        java.io.PrintWriter stdout = spec.commandLine().getOut();
        List<String> list;
        Detector d;
        Scores s;
        try (ModelSource source = model.open(world, backend); ScoreKernels k = Backends.create(backend.resolved())) {
            if (prompts != null) {
                list = PromptFiles.read(prompts);
            } else {
                list = source.allPrompts().orElseThrow();
            }
            DetectorChoice.Choice c = DetectorChoice.choose(detector, quick, source.capabilities(), settings);
            if (!c.runs()) {
                throw new IllegalArgumentException(c.requested() + " cannot run on " + source.spec() + ": "
                        + c.skipped());
            }
            if (c.note() != null) {
                spec.commandLine().getErr().println(c.note());
            }
            d = c.detector();
            s = d.score(list, new DetectionContext(source.denoiser(), k, batch, new ConsoleProgress()));
        }
        List<List<Object>> rows = new java.util.ArrayList<>();
        int flagged = 0;
        for (int i = 0; i < list.size(); i++) {
            double v = s.values()[i];
            Object flag = "";
            if (threshold != null) {
                boolean f = v >= threshold;
                flagged += f ? 1 : 0;
                flag = f;
            }
            rows.add(List.of(i, list.get(i), v, flag));
        }
        List<String> header = List.of("index", "prompt", "score", "flagged");
        if (out != null) {
            Csv.write(out, header, rows);
            stdout.printf(Locale.ROOT, "%s: scored %d prompts (%d forward passes, %.2f ms per prompt) -> %s%n",
                    d.name(), list.size(), s.forwardPasses(), s.millisPerPrompt(), out);
        } else {
            stdout.print(Csv.format("stdout", header, rows));
        }
        if (threshold != null) {
            stdout.printf(Locale.ROOT, "flagged %d of %d prompts (score >= %s)%n", flagged, list.size(), threshold);
        }
        stdout.flush();
        return 0;
    }
}
