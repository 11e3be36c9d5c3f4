package dev.memscope.jmh;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.mitigate.Mitigation;
import dev.memscope.mitigate.MitigationContext;
import dev.memscope.mitigate.Mitigations;
import dev.memscope.membench.MemBenchLab;
import dev.memscope.membench.MemBenchRun;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.tensor.TensorF32;
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
 * What adaptive memorization guidance costs per DDIM step over plain classifier-free guided DDIM, in one run: the
 * same lab world (the MemBench recipe's beta on the default world: 4 x 32 x 32, all 499 + 499 SD1 prompts and 1024
 * generic clusters, K = 2022; AMG searches MemBench's training set, MemBenchRun.trainingImages), the same
 * batch of {@value #BATCH} memorized prompts and initial noise, the same sampler. One invocation samples the whole
 * {@value #STEPS}-step trajectory, so with {@code @OperationsPerInvocation} the score reads in milliseconds per
 * step and AMG's overhead is the ratio of the two rows.
 *
 * <p>AMG runs in its sd-code form. On memorized prompts it triggers at nearly every step, so a step adds the
 * nearest-training-image search (a B x K x D product), one forward pass per deduplicating sample and two exact JVPs
 * (each a forward pass plus one more B x K x D product) per triggered sample: the worst case of its overhead.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class AmgOverheadBench {
    static final int BATCH = 8;
    static final int STEPS = 50;

    @Param({"none", "amg"})
    public String method;

    @Param({"cpu"})
    public String backend;

    private LabDenoiser model;
    private ScoreKernels kernels;
    private Mitigation mitigation;
    private DdimSampler sampler;
    private String[] prompts;
    private long[] seeds;
    private TensorF32 xT;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        LabWorld world = LabWorld.build(MemBenchLab.defaultConfig());
        int[] mem = world.indicesOf(LabWorld.Kind.MEMORIZED);
        prompts = new String[BATCH];
        seeds = new long[BATCH];
        for (int b = 0; b < BATCH; b++) {
            prompts[b] = world.captions().get(mem[b]);
            seeds[b] = 1000 + b;
        }
        model = new LabDenoiser(world, Gemms.create(backend));
        kernels = Backends.create(backend);
        MitigationContext ctx = new MitigationContext(model, kernels,
                MemBenchRun.trainingImages(world), List.of("photo"),
                DdimSampler.DEFAULT_GUIDANCE, STEPS);
        mitigation = Mitigations.create(method, ctx);
        sampler = new DdimSampler(model, kernels);
        xT = DdimSampler.initialNoise(world.channels(), world.height(), world.width(), seeds);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public TensorF32 sample() {
        Mitigation.Plan plan = mitigation.plan(prompts, seeds, xT);
        return sampler.sample(xT, plan.conditions(), DdimSampler.DEFAULT_GUIDANCE, STEPS, plan.hook());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
        model.close();
    }
}
