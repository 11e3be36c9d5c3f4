package dev.memscope.bench;

import java.util.Map;
import java.util.Optional;

/**
 * Compulsory memory traffic of one KernelBench call: every input tensor read once and every output tensor written
 * once, nothing for caches, write-allocate or scratch. It is the same for every backend, so GB/s built on it
 * compares backends (and the machine's stream bandwidth) directly; a fused kernel that re-read an input gets no
 * credit. This is the one definition; scripts/jmh_table.py mirrors it and must be kept in step.
 */
public final class Traffic {

    /** One sample of KernelBench: an SD v1 latent [4, 64, 64] (KernelBench.CHANNELS, HEIGHT, WIDTH). */
    public static final long CHW = 4L * 64 * 64;
    public static final int FLOAT32_BYTES = 4;

    /** Tensors of {@link #CHW} floats per sample an op reads and writes; per-sample float[B] results are negligible. */
    public record Tensors(int read, int written) {
        public int total() {
            return read + written;
        }
    }

    /** op -> tensors, as KernelBench calls each op. */
    public static final Map<String, Tensors> OPS = Map.of(
            "diffNorm", new Tensors(2, 0),           // a, b
            "guidanceAlignment", new Tensors(2, 0),  // eps_c, eps_u; eps_c - eps_u is never materialized
            "pixelCosine", new Tensors(2, 0),        // u, v
            "globalCosine", new Tensors(2, 0),       // u, v
            "mse", new Tensors(2, 0),                // pred, target
            "cfg", new Tensors(2, 1),                // eps_u, eps_c -> out
            "amg", new Tensors(4, 1),                // eps_u, eps_c, eps_n, g (all optional terms on) -> out
            "ddimStep", new Tensors(2, 1));          // x_t, eps -> out

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
        Tensors t = OPS.get(op);
        if (t == null) {
            throw new IllegalArgumentException("unknown op '" + op + "' (known: " + OPS.keySet() + ")");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        return (long) t.total() * batch * CHW * FLOAT32_BYTES;
    }
}
