package dev.memscope.kernels.cuda;

import jcuda.driver.CUdeviceptr;

/** Device memory owned by a handle: freed once, by {@link #close()} or when the backend closes; never used after. */
abstract class DeviceAllocation implements AutoCloseable {
    private final CudaContext ctx;
    private CUdeviceptr ptr;

    DeviceAllocation(CudaContext ctx, CUdeviceptr ptr) {
        this.ctx = ctx;
        this.ptr = ptr;
    }

    /** The handle in words, for the error about using it after it was freed. */
    abstract String describe();

    CUdeviceptr ptr() {
        if (ptr == null) {
            throw new IllegalStateException(describe() + " has been freed");
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
