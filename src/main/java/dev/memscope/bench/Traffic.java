package dev.memscope.bench;

import dev.memscope.kernels.KernelOp;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Compulsory memory traffic of one KernelBench call, from {@link KernelOp}'s description of each op: every input
 * tensor read once and every output tensor written once, nothing for caches, write-allocate or scratch. It is the
 * same for every backend, so GB/s built on it compares backends (and the machine's stream bandwidth) directly; a
 * fused kernel that re-read an input gets no credit. This class only maps benchmark methods to ops.
 */
public final class Traffic {

    /** One sample of KernelBench: an SD v1 latent [4, 64, 64] (KernelBench.CHANNELS, HEIGHT, WIDTH). */
    public static final long CHW = KernelOp.BENCH_SAMPLE_FLOATS;
    public static final int FLOAT32_BYTES = 4;

    /** Tensors of {@link #CHW} floats per sample an op reads and writes; per-sample float[B] results are negligible. */
    public record Tensors(int read, int written) {
        public int total() {
            return read + written;
        }
    }

    /** op -> tensors, as KernelBench calls each op (every optional input given). */
    public static final Map<String, Tensors> OPS = Arrays.stream(KernelOp.values()).collect(Collectors.toUnmodifiableMap(
            KernelOp::cliName, op -> new Tensors(op.tensorsRead(), op.tensorsWritten())));

    /** Methods of other classes timing the same ops (FusedVsComposedBench, CudaResidentBench): op and backend shown. */
    public record Alias(String op, String backend) {
    }

    public static final Map<String, Alias> ALIASES = Map.of(
            "guidanceAlignmentFusedCpu", new Alias("guidanceAlignment", "cpu"),
            "guidanceAlignmentNd4jFloat32", new Alias("guidanceAlignment", "nd4j-f32"),
            "guidanceAlignmentNd4jReference", new Alias("guidanceAlignment", "nd4j-f64"),
            "diffNormResident", new Alias("diffNorm", "cuda-dev"),
            "guidanceAlignmentResident", new Alias("guidanceAlignment", "cuda-dev"),
            "cfgResident", new Alias("cfg", "cuda-dev"));

    private Traffic() {
    }

    /** The op a benchmark method times: an alias, else the longest op name the method contains. */
    public static Optional<String> opOf(String method) {
        if (ALIASES.containsKey(method)) {
            return Optional.of(ALIASES.get(method).op());
        }
        String lower = method.toLowerCase();
        return OPS.keySet().stream().filter(op -> lower.contains(op.toLowerCase()))
                .max((a, b) -> Integer.compare(a.length(), b.length()));
    }

    /** Compulsory bytes of one call of {@code op} on {@code batch} samples. */
    public static long bytesPerCall(String op, int batch) {
        if (!OPS.containsKey(op)) {
            throw new IllegalArgumentException("unknown op '" + op + "' (known: " + KernelOp.names() + ")");
        }
        return KernelOp.byName(op).compulsoryBytes(batch, CHW);
    }
}
