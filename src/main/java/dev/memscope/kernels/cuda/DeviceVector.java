package dev.memscope.kernels.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * One float per sample in device memory: a reduction's results or an elementwise operation's per-sample
 * parameters (the guidance scale). Made by {@link ResidentKernels}; freed by {@link #close()} or with its backend.
 */
public final class DeviceVector implements AutoCloseable {
    private final int length;
    private final CudaContext ctx;
    private CUdeviceptr ptr;

    DeviceVector(CudaContext ctx, int length, CUdeviceptr ptr) {
        this.ctx = ctx;
        this.length = length;
        this.ptr = ptr;
    }

    public int length() {
        return length;
    }

    CUdeviceptr ptr() {
        if (ptr == null) {
            throw new IllegalStateException("device vector of length " + length + " has been freed");
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
}
