package dev.memscope.jmh;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What fusion buys: the anisotropy metric's alignment, mean per-pixel {@code cos(eps_u, eps_c - eps_u)}, as one
 * fused pass of the {@code cpu} backend against the same formula composed from ND4J operations.
 *
 * <p>The ND4J side is given every advantage: its inputs are float32 INDArrays created once in setup (no copy from
 * Java arrays in the timed path), and it runs with ND4J's default native threading. It still materializes
 * {@code eps_c - eps_u}, three products and three channel sums, each a full pass over memory. The float64
 * reference backend ({@code nd4jReference}) is timed too, since it is the composition the kernel suite's
 * {@code nd4j} column shows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Thread)
public class FusedVsComposedBench {

    @Param({"64"})
    public int batch;

    private ScoreKernels fused;
    private ScoreKernels reference;
    private TensorF32 epsC;
    private TensorF32 epsU;
    private INDArray epsC32;
    private INDArray epsU32;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        Shape shape = new Shape(batch, KernelBench.CHANNELS, KernelBench.HEIGHT, KernelBench.WIDTH);
        epsC = TensorF32.gaussian(shape, 2);
        epsU = TensorF32.gaussian(shape, 1);
        long[] dims = {shape.batch(), shape.channels(), shape.height(), shape.width()};
        epsC32 = Nd4j.create(epsC.data(), dims, DataType.FLOAT);
        epsU32 = Nd4j.create(epsU.data(), dims, DataType.FLOAT);
        fused = Backends.create("cpu");
        reference = Backends.create("nd4j");
        out = new float[batch];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fused.close();
        reference.close();
    }

    /** One pass: both tensors read once, one float per sample written. */
    @Benchmark
    public float[] guidanceAlignmentFusedCpu() {
        fused.guidanceAlignment(epsC, epsU, GuidanceVariant.UNCOND_VS_GUIDANCE, out);
        return out;
    }

    /** The formula as an ND4J user writes it, in float32 on resident arrays. */
    @Benchmark
    public INDArray guidanceAlignmentNd4jFloat32() {
        INDArray g = epsC32.sub(epsU32);
        INDArray dot = epsU32.mul(g).sum(1);
        INDArray nu = Transforms.max(Transforms.sqrt(epsU32.mul(epsU32).sum(1), false), ScoreKernels.COSINE_EPS, false);
        INDArray ng = Transforms.max(Transforms.sqrt(g.mul(g).sum(1), false), ScoreKernels.COSINE_EPS, false);
        return dot.div(nu.mul(ng)).mean(1, 2);
    }

    /** The float64 reference backend (casts included), the kernel suite's nd4j column. */
    @Benchmark
    public float[] guidanceAlignmentNd4jReference() {
        reference.guidanceAlignment(epsC, epsU, GuidanceVariant.UNCOND_VS_GUIDANCE, out);
        return out;
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(FusedVsComposedBench.class.getName() + "\\.")
                .build()).run();
    }
}
