package dev.memscope.kernels;

import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.kernels.cuda.CudaGemm;

/**
 * Chooses the matrix-product backend for a kernel backend name, the same way {@link Backends} chooses the score
 * kernels: {@code cuda} gets the tiled CUDA GEMM (and is a clear error where CUDA cannot run), {@code auto}
 * resolves to {@code cuda} only where it can run, every other name gets the Vector API GEMM.
 */
public final class Gemms {

    private Gemms() {
    }

    /** @throws IllegalStateException for {@code cuda} on a machine without a usable CUDA driver and device */
    public static Gemm create(String backend) {
        String name = backend == null ? "cpu" : Backends.resolve(backend);
        if (name.equalsIgnoreCase("cuda")) {
            return new CudaGemm();
        }
        return new VectorGemm();
    }
}
