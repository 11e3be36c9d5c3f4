package dev.memscope.kernels.cuda;

import java.util.function.Supplier;

import jcuda.driver.CUdeviceptr;

/**
 * What {@link CudaOps} needs from a device: its size, how many blocks of each kernel fit on one SM, launching,
 * scratch memory and zeroing a flag. {@link CudaContext} is the real one; tests drive {@link CudaOps} through a
 * recording fake, so launch geometry, argument packing and alignment checks are tested without a GPU.
 */
interface LaunchTarget {

    int multiprocessors();

    /**
     * Blocks of {@code kernel} (at {@link CudaKernel#block()} threads, no dynamic shared memory) that fit on one SM
     * at once, as the driver's occupancy calculator says for the loaded code: at least 1.
     */
    int residentBlocks(CudaKernel kernel);

    /** Enqueues {@code args.kernel()} on the stream; {@code sizes} describes the problem for error messages. */
    void launch(KernelArgs args, int gridX, int gridY, int gridZ, Supplier<String> sizes);

    /** A launch with gridDim.z = 1. */
    default void launch(KernelArgs args, int gridX, int gridY, Supplier<String> sizes) {
        launch(args, gridX, gridY, 1, sizes);
    }

    /** A reusable device buffer, grown when a call needs more. */
    Scratch scratch(String name);

    /** Enqueues setting one int at {@code p} to zero. */
    void zeroInt(CUdeviceptr p, String what);

    /** Device memory reused across calls. */
    interface Scratch extends AutoCloseable {
        /** A pointer to at least {@code bytes} bytes (contents lost when it grows). */
        CUdeviceptr ensure(long bytes);

        @Override
        void close();
    }
}
