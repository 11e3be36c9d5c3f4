package dev.memscope.kernels.cuda;

import dev.memscope.tensor.Shape;
import jcuda.driver.CUdeviceptr;

/**
 * A float32 batch {@code [B, C, H, W]} in device memory, made by {@link ResidentKernels#upload} or
 * {@link ResidentKernels#allocate(Shape)}. Freed by {@link #close()} or when its {@link CudaKernels} closes.
 */
public final class DeviceTensor extends DeviceAllocation {
    private final Shape shape;

    DeviceTensor(CudaContext ctx, Shape shape, CUdeviceptr ptr) {
        super(ctx, ptr);
        this.shape = shape;
    }

    public Shape shape() {
        return shape;
    }

    /** Bytes of device memory this tensor holds. */
    public long bytes() {
        return (long) shape.size() * Float.BYTES;
    }

    @Override
    String describe() {
        return "device tensor " + shape;
    }

    @Override
    public String toString() {
        return "DeviceTensor" + shape;
    }
}
