package dev.memscope.kernels;

import dev.memscope.kernels.cpu.VectorGemm;

/**
 * Chooses the matrix-product backend for a kernel backend name: {@code cuda} (and {@code auto} where CUDA is
 * available) gets the tiled CUDA GEMM when it loads on this machine; every other name, and a CUDA GEMM that cannot
 * load, gets the Vector API GEMM. The CUDA class is looked up by name so the CPU build needs nothing native.
 */
public final class Gemms {
    static final String CUDA_GEMM = "dev.memscope.kernels.cuda.CudaGemm";

    private Gemms() {
    }

    public static Gemm create(String backend) {
        String name = backend == null ? "cpu" : Backends.resolve(backend);
        if (name.equalsIgnoreCase("cuda")) {
            try {
                return (Gemm) Class.forName(CUDA_GEMM).getConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
                System.err.println("memscope: CUDA GEMM unavailable (" + cause + "); using the CPU GEMM");
            }
        }
        return new VectorGemm();
    }
}
