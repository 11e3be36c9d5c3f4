package dev.memscope.kernels.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * One float per sample in device memory: a reduction's results or an elementwise operation's per-sample
 * parameters (the guidance scale). Made by {@link ResidentKernels}; freed by {@link #close()} or with its backend.
 */
public final class DeviceVector extends DeviceAllocation {
    private final int length;

    DeviceVector(CudaContext ctx, int length, CUdeviceptr ptr) {
        super(ctx, ptr);
        this.length = length;
    }

    public int length() {
        return length;
    }

    @Override
    String describe() {
        return "device vector of length " + length;
    }
}
