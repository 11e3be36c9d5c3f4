package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaCallException.check;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import jcuda.driver.CUdeviceptr;

/**
 * A device allocation reused across calls and grown (by at least half) when a call needs more, so steady-state
 * calls allocate nothing. cuMemAlloc returns 256-byte aligned memory, which the kernels' float4 paths rely on.
 */
final class DeviceBuffer implements LaunchTarget.Scratch {
    private final CudaContext ctx;
    private final String name;
    private CUdeviceptr ptr;
    private long capacity;

    DeviceBuffer(CudaContext ctx, String name) {
        this.ctx = ctx;
        this.name = name;
    }

    /** A pointer to at least {@code bytes} bytes; grows (losing the contents) when needed. */
    @Override
    public CUdeviceptr ensure(long bytes) {
        if (bytes > capacity || ptr == null) {
            long size = Math.max(Math.max(bytes, 256), capacity + capacity / 2);
            release();
            CUdeviceptr p = new CUdeviceptr();
            check(cuMemAlloc(p, size), () -> "cuMemAlloc of " + size + " bytes for the " + name + " buffer");
            ptr = p;
            capacity = size;
        }
        return ptr;
    }

    private void release() {
        if (ptr != null) {
            // queued work may still read the old allocation
            ctx.synchronize(() -> "growing the " + name + " buffer");
            check(cuMemFree(ptr), "cuMemFree of the " + name + " buffer");
            ptr = null;
            capacity = 0;
        }
    }

    @Override
    public void close() {
        if (ptr != null) {
            cuMemFree(ptr);
            ptr = null;
            capacity = 0;
        }
    }
}
