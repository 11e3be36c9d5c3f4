package dev.memscope.jmh;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.cuda.CudaAvailability;
import dev.memscope.kernels.cuda.CudaKernels;
import dev.memscope.kernels.cuda.DeviceTensor;
import dev.memscope.kernels.cuda.DeviceVector;
import dev.memscope.kernels.cuda.ResidentKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The CUDA kernels alone: tensors stay in device memory, each invocation enqueues one kernel (pair) and waits
 * for it. Compare with {@code KernelBench -p backend=cuda}, whose time includes the host-device copies: the
 * difference is what keeping the detector's tensors on the GPU saves. Needs a CUDA driver and device; without
 * one the setup fails with the reason (scripts/bench-kernels.sh does not run this class by default).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Thread)
public class CudaResidentBench {

    @Param({"1", "16", "64", "256"})
    public int batch;

    private CudaKernels kernels;
    private ResidentKernels device;
    private DeviceTensor epsC;
    private DeviceTensor epsU;
    private DeviceTensor out;
    private DeviceVector perSample;
    private DeviceVector scale;

    @Setup(Level.Trial)
    public void setUp() {
        String why = CudaAvailability.unavailableReason();
        if (why != null) {
            throw new IllegalStateException("CudaResidentBench needs CUDA: " + why);
        }
        Shape shape = new Shape(batch, KernelBench.CHANNELS, KernelBench.HEIGHT, KernelBench.WIDTH);
        kernels = new CudaKernels(NonFinitePolicy.PROPAGATE);
        device = kernels.resident();
        epsC = device.upload(TensorF32.gaussian(shape, 2));
        epsU = device.upload(TensorF32.gaussian(shape, 1));
        out = device.allocate(shape);
        perSample = device.allocateVector(batch);
        float[] s = new float[batch];
        java.util.Arrays.fill(s, 7.5f);
        scale = device.upload(s);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public void diffNormResident() {
        device.diffNorm(epsC, epsU, perSample);
        device.synchronize();
    }

    @Benchmark
    public void guidanceAlignmentResident() {
        device.guidanceAlignment(epsC, epsU, GuidanceVariant.UNCOND_VS_GUIDANCE, perSample);
        device.synchronize();
    }

    @Benchmark
    public void cfgResident() {
        device.cfg(epsU, epsC, scale, out);
        device.synchronize();
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(CudaResidentBench.class.getName() + "\\.")
                .build()).run();
    }
}
