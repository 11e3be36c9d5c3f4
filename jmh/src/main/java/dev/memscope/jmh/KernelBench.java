package dev.memscope.jmh;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One call of each batched kernel on Stable Diffusion v1 latents {@code [B, 4, 64, 64]}, per backend.
 *
 * <p>Every kernel streams its inputs once, so the figure of merit is bandwidth: {@code memscope bench summary} divides each
 * operation's compulsory bytes (inputs read once, outputs written once) by the median time. Methods are named after
 * the {@link ScoreKernels} operation they time so the table can find those bytes.
 *
 * <p>Inputs and outputs are made once per trial, so the measured path allocates only what the backend itself
 * does: {@code -prof gc} should report about 0 B/op for {@code cpu}. Elementwise outputs go to a tensor distinct
 * from the inputs so every invocation sees the same data (writing into an input would feed results back and, over
 * millions of calls, drift them towards overflow and the non-finite check).
 *
 * <p>Average time, one JVM fork at a time (JMH never runs forks concurrently; ND4J and JCuda extract their
 * natives to fixed temp paths, so concurrent forks would race), one benchmark thread: the {@code cpu} backend
 * uses every core itself.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Threads(1)
@State(Scope.Thread)
public class KernelBench {

    /** SD v1 latent: 4 channels of 64 x 64. KernelOp.BENCH_SAMPLE_FLOATS assumes this shape when it computes GB/s. */
    static final int CHANNELS = 4;
    static final int HEIGHT = 64;
    static final int WIDTH = 64;

    /** Any registered KernelProvider name; scripts/bench-kernels.sh drops those that cannot run here. */
    @Param({"cpu", "scalar", "nd4j", "cuda"})
    public String backend;

    /** 1 is latency-bound (one sample fits in L2); 256 (16 MiB per tensor) is DRAM-bound. */
    @Param({"1", "16", "64", "256"})
    public int batch;

    private ScoreKernels kernels;
    private TensorF32 epsU;
    private TensorF32 epsC;
    private TensorF32 epsN;
    private TensorF32 grad;
    private TensorF32 out;
    private float[] perSample;
    private float[] scale;
    private float[] s1;
    private float[] s2;
    private float[] c3;

    @Setup(Level.Trial)
    public void setUp() {
        kernels = Backends.create(backend);
        Shape shape = new Shape(batch, CHANNELS, HEIGHT, WIDTH);
        // Fixed seeds: every backend and every run times the same numbers.
        epsU = TensorF32.gaussian(shape, 1);
        epsC = TensorF32.gaussian(shape, 2);
        epsN = TensorF32.gaussian(shape, 3);
        grad = TensorF32.gaussian(shape, 4);
        out = TensorF32.zeros(shape);
        perSample = new float[batch];
        scale = filled(7.5f);
        s1 = filled(2.0f);
        s2 = filled(1.0f);
        c3 = filled(0.5f);
    }

    private float[] filled(float value) {
        float[] a = new float[batch];
        Arrays.fill(a, value);
        return a;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    /** The plainest streaming reduction: the suite's bandwidth ceiling for reading two tensors. */
    @Benchmark
    public float[] diffNorm() {
        kernels.diffNorm(epsC, epsU, perSample);
        return perSample;
    }

    /**
     * Same bytes as diffNorm, but reduced per pixel across channels H*W floats apart, with a sqrt and a division
     * per pixel; the gap to diffNorm is the price of the per-pixel structure. eps_c - eps_u is never written.
     */
    @Benchmark
    public float[] guidanceAlignment() {
        kernels.guidanceAlignment(epsC, epsU, GuidanceVariant.UNCOND_VS_GUIDANCE, perSample);
        return perSample;
    }

    /** guidanceAlignment without the fused difference: the gap between the two is the cost of fusing it. */
    @Benchmark
    public float[] pixelCosine() {
        kernels.pixelCosine(epsU, epsC, perSample);
        return perSample;
    }

    /** Three dot products per sample instead of one: shows whether extra accumulators cost anything. */
    @Benchmark
    public float[] globalCosine() {
        kernels.globalCosine(epsU, epsC, perSample);
        return perSample;
    }

    /** Same traffic and arithmetic as diffNorm with a mean instead of a sqrt: the two should match. */
    @Benchmark
    public float[] mse() {
        kernels.mse(epsC, epsU, perSample);
        return perSample;
    }

    /** Elementwise with a full-tensor store: write bandwidth, which a reduction never exercises. */
    @Benchmark
    public TensorF32 cfg() {
        kernels.cfg(epsU, epsC, scale, out);
        return out;
    }

    /** The widest elementwise kernel, every optional term on: four input streams and one output at once. */
    @Benchmark
    public TensorF32 amg() {
        kernels.amg(epsU, epsC, epsN, grad, 7.5, s1, s2, c3, 0.5, out);
        return out;
    }

    /** Elementwise with per-call scalar coefficients (x_t and eps in, x_{t-1} out), the sampler's inner step. */
    @Benchmark
    public TensorF32 ddimStep() {
        kernels.ddimStep(epsN, epsU, 0.5, 0.6, out);
        return out;
    }

    /** Runs this class only; any JMH command-line option (-p, -prof gc, -rf json, ...) is passed through. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(KernelBench.class.getName() + "\\.")
                .build()).run();
    }
}
