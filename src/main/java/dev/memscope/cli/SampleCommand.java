package dev.memscope.cli;

import dev.memscope.data.PromptFiles;
import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.StepHook;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.onnx.OnnxLayout;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.model.onnx.OnnxProvider;
import dev.memscope.progress.ConsoleProgress;
import dev.memscope.progress.Progress;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code memscope sample}: MemScope's own DDIM (CFG, eta 0) on an ONNX model, every prompt of a file under the same
 * seeds. The testbed's ground truth (which captions copy their training image) is computed from these samples by
 * scripts/testbed/labels.py, so the labels come from generation with the sampler the detectors use.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "DDIM-sample every prompt of a file on an ONNX model; writes .npy [P*S, C, H, W] "
                + "(prompt p, seed i at row p*S+i), x0 unclipped.")
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--onnx", required = true, paramLabel = "DIR", description = "exported model folder")
    Path onnx;

    @Option(names = "--onnx-provider", defaultValue = "cpu", description = "cpu (default), cuda or auto")
    String provider;

    @Option(names = "--prompts", required = true, description = "prompt file (text, jsonl caption, MemBench CSV)")
    Path prompts;

    @Option(names = "--seeds", defaultValue = "4", description = "images per prompt: seeds --seed .. --seed+N-1")
    int seeds;

    @Option(names = "--seed", defaultValue = "0", description = "first seed (java.util.Random per image)")
    long seed;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", description = "classifier-free guidance scale")
    double guidance;

    @Option(names = "--chunk", defaultValue = "32", description = "prompts sampled together")
    int chunk;

    @Option(names = "--max-batch", defaultValue = "128", description = "samples per ONNX Runtime call")
    int maxBatch;

    @Option(names = "--backend", defaultValue = "auto", description = "kernel backend: auto, cpu, scalar, cuda")
    String backend;

    @Option(names = "--out", required = true, description = "output .npy")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1 || chunk < 1 || maxBatch < 1 || steps < 1) {
            throw new IllegalArgumentException("--seeds, --chunk, --max-batch and --steps must be >= 1");
        }
        List<String> ps = PromptFiles.read(prompts);
        try (Denoiser model = OnnxModels.open(OnnxLayout.of(onnx), OnnxProvider.parse(provider), maxBatch,
                System.err); ScoreKernels k = Backends.create(backend)) {
            long[] s = new long[seeds];
            for (int i = 0; i < seeds; i++) {
                s[i] = seed + i;
            }
            TensorF32 noise = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), s);
            int per = noise.shape().sampleSize();
            Shape all = new Shape(ps.size() * seeds, model.channels(), model.height(), model.width());
            float[] result = new float[all.size()];
            DdimSampler sampler = new DdimSampler(model, k);
            Progress progress = new ConsoleProgress();
            progress.start("sample " + ps.size() + " prompts x " + seeds + " seeds", ps.size());
            for (int from = 0; from < ps.size(); from += chunk) {
                int n = Math.min(ps.size(), from + chunk) - from;
                float[] x = new float[n * seeds * per];
                Condition[] cs = new Condition[n * seeds];
                for (int p = 0; p < n; p++) {
                    Condition c = model.condition(ps.get(from + p));
                    for (int i = 0; i < seeds; i++) {
                        System.arraycopy(noise.data(), i * per, x, (p * seeds + i) * per, per);
                        cs[p * seeds + i] = c;
                    }
                }
                TensorF32 x0 = sampler.sample(new TensorF32(all.withBatch(n * seeds), x), cs, guidance, steps,
                        StepHook.NONE);
                System.arraycopy(x0.data(), 0, result, from * seeds * per, n * seeds * per);
                progress.advance(n);
            }
            progress.done();
            Npy.write(out, new TensorF32(all, result));
        }
        System.out.println("wrote " + ps.size() + " x " + seeds + " samples to " + out);
        return 0;
    }
}
