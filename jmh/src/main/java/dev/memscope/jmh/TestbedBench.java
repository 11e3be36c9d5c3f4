package dev.memscope.jmh;

import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.Detectors;
import dev.memscope.detect.Scores;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Denoiser;
import dev.memscope.model.onnx.OnnxLayout;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.model.onnx.OnnxProvider;
import dev.memscope.progress.Progress;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Milliseconds per prompt of each detector on the learned testbed (models/testbed, ONNX Runtime CPU), paper
 * defaults (Wen: n = 4 generations), {@code prompts} prompts per invocation (half memorized). The ratio of the
 * wen-full and anisotropy rows is the wall-time speed-up of the denoising-free detector (400 passes against 2 per
 * prompt plus 2 per call, the unconditional pair shared by all prompts on the one x_T: 200x in passes at many prompts,
 * 100x for anisotropy scored one prompt at a time). It depends on the prompt count: anisotropy runs the UNet once at
 * batch 2 x (prompts + 1) (both timesteps, a timestep per sample), wen-full 50 times at 2 x 4 x prompts
 * (chunked at 64), and this small UNet costs less per sample at larger batches, so 4 prompts favour wen-full; 16
 * prompts put both nearer the batch of 64 that compare and detect use. {@link TestbedBareOrtBench} times the same
 * anisotropy passes through bare ONNX Runtime sessions, in the same run, for the harness overhead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class TestbedBench {
    @Param({"anisotropy", "wen-first", "wen-full", "sharpness-fd"})
    public String detector;

    @Param({"4", "16"})
    public int prompts;

    private Denoiser model;
    private ScoreKernels kernels;
    private Detector det;
    private List<String> promptList;
    private DetectionContext ctx;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        promptList = TestbedPrompts.first(prompts);
        model = OnnxModels.open(OnnxLayout.of(TestbedPrompts.ONNX), OnnxProvider.parse("cpu"), 64,
                new PrintStream(OutputStream.nullOutputStream()));
        kernels = Backends.create("cpu");
        det = Detectors.create(detector);
        ctx = new DetectionContext(model, kernels, 64, Progress.NONE);
    }

    /** Milliseconds per invocation; bench_table.py divides by {@code prompts} (JMH fixes ops per invocation). */
    @Benchmark
    public Scores score() {
        return det.score(promptList, ctx);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
        model.close();
    }
}
