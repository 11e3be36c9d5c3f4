package dev.memscope.kernels.cuda;

import dev.memscope.tensor.Shape;
import jcuda.driver.CUdeviceptr;

/**
 * A float32 batch {@code [B, C, H, W]} in device memory, made by {@link ResidentKernels#upload} or
 * {@link ResidentKernels#allocate(Shape)}. Freed by {@link #close()} or when its {@link CudaKernels} closes.
 */
public final class DeviceTensor implements AutoCloseable {
    private final Shape shape;
    private final CudaContext ctx;
    private CUdeviceptr ptr;

    DeviceTensor(CudaContext ctx, Shape shape, CUdeviceptr ptr) {
        this.ctx = ctx;
        this.shape = shape;
        this.ptr = ptr;
    }

    public Shape shape() {
        return shape;
    }

    /** Bytes of device memory this tensor holds. */
    public long bytes() {
        return (long) shape.size() * Float.BYTES;
    }

    CUdeviceptr ptr() {
        if (ptr == null) {
            throw new IllegalStateException("device tensor " + shape + " has been freed");
        }
        return ptr;
    }

    boolean isOpen() {
        return ptr != null;
    }

    @Override
    public void close() {
        if (ptr != null) {
            ctx.free(ptr);
            ptr = null;
        }
    }

    @Override
    public String toString() {
        return "DeviceTensor" + shape;
    }
}
