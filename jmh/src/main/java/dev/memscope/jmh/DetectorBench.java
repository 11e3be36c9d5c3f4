package dev.memscope.jmh;

import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.Detectors;
import dev.memscope.detect.Scores;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.progress.Progress;
import java.util.ArrayList;
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
 * Cost per prompt of the denoising-free detectors against Wen's, in one run: same lab world, same backend (score
 * kernels and GEMM), same batch. One invocation scores {@value #PROMPTS} prompts, so with
 * {@code @OperationsPerInvocation} the score reads in milliseconds per prompt and the speed-up of anisotropy over
 * {@code wen-full} is the ratio of two rows of this table.
 *
 * <p>Paper defaults: anisotropy 4 passes per prompt, wen-first 8 (4 generations, 1 step), wen-full 400
 * (4 generations, 50 steps), sharpness 4 (exact lab JVP, each counted as a pass; it costs one more
 * B x K x D GEMM than a forward pass). The world is the default lab recipe (4 x 32 x 32,
 * 1024 generic clusters) limited to the first 16 memorized and 16 non-memorized prompts (K = 1056) to keep a
 * wen-full invocation near two seconds on the 2-core development machine. {@code -p backend=cuda} on a GPU machine.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class DetectorBench {
    static final int PROMPTS = 32;

    @Param({"anisotropy", "wen-first", "wen-full", "sharpness"})
    public String detector;

    @Param({"cpu"})
    public String backend;

    @Param({"64"})
    public int batch;

    private LabDenoiser model;
    private ScoreKernels kernels;
    private Detector det;
    private List<String> prompts;
    private DetectionContext ctx;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        LabWorld world = LabWorld.build(LabConfig.defaults().with("memLimit", PROMPTS / 2)
                .with("nmemLimit", PROMPTS / 2));
        prompts = new ArrayList<>();
        for (LabWorld.Kind kind : new LabWorld.Kind[] {LabWorld.Kind.MEMORIZED, LabWorld.Kind.NONMEMORIZED}) {
            for (int i : world.indicesOf(kind)) {
                prompts.add(world.captions().get(i));
            }
        }
        if (prompts.size() != PROMPTS) {
            throw new IllegalStateException("expected " + PROMPTS + " prompts, the world has " + prompts.size());
        }
        model = new LabDenoiser(world, Gemms.create(backend));
        kernels = Backends.create(backend);
        det = Detectors.create(detector);
        ctx = new DetectionContext(model, kernels, batch, Progress.NONE);
    }

    @Benchmark
    @OperationsPerInvocation(PROMPTS)
    public Scores score() {
        return det.score(prompts, ctx);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
        model.close();
    }
}
