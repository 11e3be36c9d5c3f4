package dev.memscope.cli;

import dev.memscope.report.Csv;
import dev.memscope.data.PromptFiles;
import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.Detectors;
import dev.memscope.detect.Scores;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Denoiser;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.model.replay.ReplayDenoiser;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.tensor.Npy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code memscope detect}: scores a prompt list with one detector on the lab world (or a replay of a real model's
 * recorded outputs, {@code --replay DIR}, with as many images per prompt as were recorded) and writes
 * {@code index,prompt,score,flagged} as CSV (atomically: temp file, then rename).
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Score prompts (text, .jsonl with 'caption', or MemBench .csv) with one memorization detector.")
public final class DetectCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    LabCommand.WorldOptions world = new LabCommand.WorldOptions();

    @Option(names = "--prompts", description = "prompt file: .txt (one per line), .jsonl, .csv (with --replay: "
            + "default every recorded prompt)")
    Path prompts;

    @Option(names = "--replay", paramLabel = "DIR", description = "score tensors recorded by scripts/record_eps.py "
            + "(manifest.json + .npy shards) instead of the lab world")
    Path replay;

    @Option(names = "--detector", required = true,
            description = "anisotropy, wen-first, wen-full, sharpness, carlini (or sharpness-fd)")
    String detector;

    @Option(names = "--threshold", description = "flag prompts whose score is >= this value")
    Double threshold;

    @Option(names = "--out", description = "output CSV (default: print to stdout)")
    Path out;

    @Option(names = "--quick", description = "fewer images / generations per prompt (1; carlini 4)")
    boolean quick;

    @Option(names = "--batch", defaultValue = "64", description = "latents per denoiser call (default 64)")
    int batch;

    @Option(names = "--onnx", paramLabel = "DIR", description = "score with an exported Stable Diffusion (ONNX "
            + "UNet, text encoder, tokenizer; scripts/export_sd_onnx.md) instead of the lab world")
    Path onnx;

    @Option(names = "--onnx-provider", defaultValue = "cpu", description = "with --onnx: cpu (default), cuda or auto")
    String onnxProvider;

    @Override
    public Integer call() throws Exception {
        if (threshold != null && !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("--threshold must be finite, got " + threshold);
        }
        String key = detector.trim().toLowerCase(Locale.ROOT);
        List<String> list;
        Detector d;
        Scores s;
        if (replay != null && onnx != null) {
            throw new IllegalArgumentException("--replay and --onnx exclude each other: score a recording or a model");
        }
        if (replay != null) {
            try (ReplayDenoiser model = ReplayDenoiser.open(replay); ScoreKernels k = Backends.create(world.backend)) {
                list = prompts != null ? PromptFiles.read(prompts) : model.manifest().promptTexts();
                d = ReplayDetectors.require(key, model.recorded(), replay.toString());
                s = d.score(list, new DetectionContext(model, k, batch, new ConsoleProgress()));
            }
        } else {
            if (prompts == null) {
                throw new IllegalArgumentException("--prompts FILE is required (or --replay DIR)");
            }
            list = PromptFiles.read(prompts);
            d = quick ? Detectors.createQuick(key) : Detectors.create(key);
            try (Denoiser model = onnx != null ? OnnxModels.open(onnx, onnxProvider) : world.model();
                 ScoreKernels k = Backends.create(world.backend)) {
                s = d.score(list, new DetectionContext(model, k, batch, new ConsoleProgress()));
            }
        }
        java.io.PrintWriter stdout = spec.commandLine().getOut();
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
