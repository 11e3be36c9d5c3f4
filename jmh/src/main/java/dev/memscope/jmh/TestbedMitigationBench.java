package dev.memscope.jmh;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.membench.TestbedBench;
import dev.memscope.mitigate.Mitigation;
import dev.memscope.mitigate.MitigationContext;
import dev.memscope.mitigate.Mitigations;
import dev.memscope.mitigate.SailInitialNoiseOptimization;
import dev.memscope.mitigate.TrainingImages;
import dev.memscope.mitigate.WenEmbeddingOptimization;
import dev.memscope.model.Denoiser;
import dev.memscope.model.onnx.OnnxLayout;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.model.onnx.OnnxProvider;
import dev.memscope.source.TestbedImages;
import dev.memscope.tensor.TensorF32;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Milliseconds per generated image of each mitigation on the learned testbed, as `membench --model testbed`
 * samples: {@value #IMAGES} memorized captions, one image each, 50-step CFG DDIM (guidance 7.5) from the same
 * seeded noise, one batch. The overhead of a method is its row over the {@code none} row of the same run. AMG
 * triggers on most steps of memorized captions (docs/membench.md), so its row is near its worst case; RNA and RTA
 * only edit the prompt and should cost what {@code none} costs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class TestbedMitigationBench {
    static final int IMAGES = 4;

    @Param({"none", "rna", "rta", "wen", "amg", "sail", "ren"})
    public String method;

    private Denoiser model;
    private ScoreKernels kernels;
    private MitigationContext ctx;
    private String[] prompts;
    private long[] seeds;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        prompts = TestbedPrompts.first(2 * IMAGES).subList(0, IMAGES).toArray(String[]::new);
        model = OnnxModels.open(OnnxLayout.of(TestbedPrompts.ONNX), OnnxProvider.parse("cpu"), 64,
                new PrintStream(OutputStream.nullOutputStream()));
        kernels = Backends.create("cpu");
        TestbedImages images = TestbedImages.read(TestbedPrompts.MODELS.resolve(TestbedImages.DIR), model.height());
        LinkedHashSet<String> vocabulary = new LinkedHashSet<>();
        for (String c : images.trainCaptions()) {
            vocabulary.addAll(Arrays.asList(c.strip().split("\\s+")));
        }
        ctx = new MitigationContext(model, kernels,
                images.trainingImages(),
                List.copyOf(vocabulary), DdimSampler.DEFAULT_GUIDANCE, DdimSampler.DEFAULT_STEPS);
        seeds = new long[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            seeds[i] = 1000 + i;
        }
    }

    /** A fresh mitigation per invocation: AMG and Wen keep statistics across plans. */
    @Benchmark
    @OperationsPerInvocation(IMAGES)
    public TensorF32 sample() {
        // Wen with the testbed's target, as membench --model testbed runs it (its gradient: the VJP graph)
        // SAIL with the testbed's calibrated threshold, as membench --model testbed runs it
        Mitigation m = switch (method) {
            case "wen" -> new WenEmbeddingOptimization(ctx, TestbedBench.WEN_TARGET,
                    WenEmbeddingOptimization.DEFAULT_MAX_STEPS);
            case "sail" -> new SailInitialNoiseOptimization(ctx,
                    SailInitialNoiseOptimization.Config.defaults().withThreshold(TestbedBench.SAIL_THRESHOLD));
            default -> Mitigations.create(method, ctx);
        };
        TensorF32 xT = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), seeds);
        Mitigation.Plan plan = m.plan(prompts, seeds, xT);
        return new DdimSampler(model, kernels).sample(plan.noise(xT), plan.conditions(), ctx.guidance(), ctx.steps(),
                plan.hook());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
        model.close();
    }
}
