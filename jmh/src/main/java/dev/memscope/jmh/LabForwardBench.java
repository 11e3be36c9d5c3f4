package dev.memscope.jmh;

import dev.memscope.kernels.Gemm;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.cpu.VectorGemm;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * The lab denoiser's forward pass is two float32 products over the mixture means M [K, D]: distances
 * {@code G = X M^T} ({@link Gemm#multiplyNT}) and the weighted sum {@code Y = W M} ({@link Gemm#multiplyNN}),
 * each 2*B*K*D flops. This benchmark times them at the SD shape (B = 64, K = 2048, D = 4 x 64 x 64) on each GEMM
 * backend and reports GFLOP/s directly: the {@link Flops} aux counter adds the invocation's flops / 1e9, and in
 * throughput mode JMH divides it by time, so the secondary metric {@code gflop} reads in GFLOP/s.
 *
 * <p>Peer: {@code python3 scripts/peer/sgemm_numpy.py} runs NumPy/OpenBLAS sgemm on the same shapes in the same
 * session (its {@code nt}, {@code nn} and {@code forward} lines match the three benchmarks here). Target: the cpu
 * backend at >= 60% of NumPy's forward GFLOP/s.
 *
 * <p>Backends: {@code cpu} (Vector API, {@link VectorGemm}), {@code nd4j} (ND4J {@code mmul} in float32 on its
 * bundled OpenBLAS; the means are wrapped once, as a fair library baseline), {@code cuda} (our tiled CUDA kernel;
 * setup fails with the reason on a machine without a CUDA driver: run {@code -p backend=cpu,nd4j} there).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@State(Scope.Benchmark)
public class LabForwardBench {

    @Param({"cpu", "nd4j", "cuda"})
    public String backend;

    @Param({"64"})
    public int batch;

    @Param({"2048"})
    public int components;

    @Param({"16384"})
    public int dim;

    private Gemm gemm;
    private float[] x;
    private float[] means;
    private float[] weights;
    private float[] distances;
    private float[] weighted;

    /** Flop counter: {@code gflop} in the results is GFLOP/s (throughput mode divides by time). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    @Setup(Level.Trial)
    public void setUp() {
        gemm = switch (backend) {
            case "cpu" -> new VectorGemm();
            case "nd4j" -> new Nd4jGemm();
            case "cuda" -> cudaGemm();
            default -> throw new IllegalArgumentException("unknown backend " + backend);
        };
        x = gaussian(batch * dim, 1);
        means = gaussian(components * dim, 2);
        weights = gaussian(batch * components, 3);
        distances = new float[batch * components];
        weighted = new float[batch * dim];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gemm.close();
    }

    private double productGflop() {
        return 2.0 * batch * components * dim / 1e9;
    }

    /** Both products of one forward pass, as the lab's dense (high-noise) path runs them. */
    @Benchmark
    public float[] forward(Flops flops) {
        gemm.multiplyNT(batch, components, dim, x, means, distances);
        gemm.multiplyNN(batch, dim, components, weights, means, weighted);
        flops.gflop += 2 * productGflop();
        return weighted;
    }

    /** The distance product alone: both operands read along rows (dot-product kernel). */
    @Benchmark
    public float[] distancesNT(Flops flops) {
        gemm.multiplyNT(batch, components, dim, x, means, distances);
        flops.gflop += productGflop();
        return distances;
    }

    /** The weighted-sum product alone: a 64 KiB row stride on the means (packed-panel kernel). */
    @Benchmark
    public float[] weightedNN(Flops flops) {
        gemm.multiplyNN(batch, dim, components, weights, means, weighted);
        flops.gflop += productGflop();
        return weighted;
    }

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Fails the trial with CudaAvailability's reason where CUDA cannot run. */
    private static Gemm cudaGemm() {
        return Gemms.create("cuda");
    }

    /**
     * ND4J float32 {@code mmul} behind the {@link Gemm} interface. The right-hand matrix (the lab's means, the same
     * array every call) is wrapped once per array identity, so the benchmark times the product, not a 128 MiB copy;
     * the left operand and the result (a fresh C-order buffer) are copied per call, as a caller holding Java arrays must.
     */
    static final class Nd4jGemm implements Gemm {
        private final Map<float[], INDArray> wrapped = new IdentityHashMap<>();

        Nd4jGemm() {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }

        @Override
        public String name() {
            return "nd4j";
        }

        private INDArray wrap(float[] data, int rows, int cols) {
            return wrapped.computeIfAbsent(data, d -> Nd4j.create(d, new long[] {rows, cols}, 'c'));
        }

        @Override
        public void multiplyNT(int m, int n, int k, float[] a, float[] b, float[] c) {
            INDArray left = Nd4j.create(a, new long[] {m, k}, 'c');
            INDArray result = left.mmul(wrap(b, n, k).transpose());
            System.arraycopy(result.dup('c').data().asFloat(), 0, c, 0, m * n);
        }

        @Override
        public void multiplyNN(int m, int n, int k, float[] a, float[] b, float[] c) {
            INDArray left = Nd4j.create(a, new long[] {m, k}, 'c');
            INDArray result = left.mmul(wrap(b, k, n));
            System.arraycopy(result.dup('c').data().asFloat(), 0, c, 0, m * n);
        }

        @Override
        public void close() {
            wrapped.clear();
        }
    }
}
