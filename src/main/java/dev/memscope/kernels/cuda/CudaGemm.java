package dev.memscope.kernels.cuda;

import java.util.function.Supplier;

import dev.memscope.kernels.Gemm;
import jcuda.driver.CUdeviceptr;

/**
 * {@link Gemm} on the device with the tiled kernels of {@code kernels/gemm.cuh} (cuBLAS cannot load next to a
 * CUDA 13 driver). Each call uploads A and B, multiplies and downloads C through the same reusable buffers and
 * pinned staging as {@link CudaKernels}. Float accumulation in k order per thread; a product with few output
 * tiles is split along K ({@link GemmPlan}) and the slices' partial sums are added in a fixed order, so results
 * are deterministic and differ from a double product by at most about {@code k * 2^-24 * sum |a||b|}.
 * Not thread-safe.
 */
public final class CudaGemm implements Gemm {

    private final CudaContext ctx;
    private final CudaOps ops;
    private final Staging staging;
    private final DeviceBuffer a;
    private final DeviceBuffer b;
    private final DeviceBuffer c;
    private boolean closed;
    /** Operands promised constant ({@link #keepResident}), by identity: uploaded on first use, then reused. */
    private final java.util.IdentityHashMap<float[], DeviceBuffer> resident = new java.util.IdentityHashMap<>();
    private final java.util.Set<float[]> uploaded = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<>());

    /** @throws IllegalStateException when CUDA cannot run here, with {@link CudaAvailability}'s reason */
    public CudaGemm() {
        String why = CudaAvailability.unavailableReason();
        if (why != null) {
            throw new IllegalStateException("the cuda Gemm is unavailable on this machine: " + why);
        }
        ctx = CudaContext.open();
        try {
            ops = new CudaOps(ctx);
            staging = new Staging(ctx);
            a = new DeviceBuffer(ctx, "gemm A");
            b = new DeviceBuffer(ctx, "gemm B");
            c = new DeviceBuffer(ctx, "gemm C");
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public void multiplyNT(int m, int n, int k, float[] a, float[] b, float[] c) {
        multiply(true, m, n, k, a, b, c);
    }

    @Override
    public void multiplyNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        multiply(false, m, n, k, a, b, c);
    }

    private void multiply(boolean nt, int m, int n, int k, float[] ha, float[] hb, float[] hc) {
        String op = nt ? "multiplyNT" : "multiplyNN";
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": negative size m=" + m + ", n=" + n + ", k=" + k);
        }
        need(op, "A", ha, (long) m * k, m + " x " + k);
        need(op, "B", hb, (long) n * k, nt ? n + " x " + k : k + " x " + n);
        need(op, "C", hc, (long) m * n, m + " x " + n);
        if (closed) {
            throw new IllegalStateException("this cuda Gemm has been closed");
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            java.util.Arrays.fill(hc, 0, m * n, 0f);
            return;
        }
        ctx.makeCurrent();
        Supplier<String> what = () -> op + " m=" + m + ", n=" + n + ", k=" + k;
        CUdeviceptr da = a.ensure((long) m * k * Float.BYTES);
        CUdeviceptr db = resident.containsKey(hb) ? null : b.ensure((long) n * k * Float.BYTES);
        CUdeviceptr dc = c.ensure((long) m * n * Float.BYTES);
        staging.upload(ha, 0, m * k, da, what);
        DeviceBuffer kept = resident.get(hb);
        if (kept != null) {
            // the whole array, once: the same matrix serves NT (n x k) and NN (k x n) products of any size
            db = kept.ensure((long) hb.length * Float.BYTES);
            if (uploaded.add(hb)) {
                staging.upload(hb, 0, hb.length, db, what);
            }
        } else {
            staging.upload(hb, 0, n * k, db, what);
        }
        ops.sgemm(nt, m, n, k, da, db, dc);
        staging.download(dc, hc, 0, m * n, what);
    }

    private static void need(String op, String name, float[] array, long size, String dims) {
        if (array == null) {
            throw new IllegalArgumentException(op + ": matrix " + name + " is null");
        }
        if (array.length < size) {
            throw new IllegalArgumentException(op + ": matrix " + name + " (" + dims + ") needs " + size
                    + " floats but the array holds " + array.length);
        }
    }

    @Override
    public void keepResident(float[] matrix) {
        if (matrix == null) {
            throw new IllegalArgumentException("keepResident: matrix is null");
        }
        if (closed) {
            throw new IllegalStateException("this cuda Gemm has been closed");
        }
        // a repeated promise re-uploads: the caller may have changed the array in between
        uploaded.remove(matrix);
        resident.computeIfAbsent(matrix, x -> new DeviceBuffer(ctx, "resident gemm operand"));
    }

    /** The device this runs on. */
    public String device() {
        return ctx.describe();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            ctx.makeCurrent();
        } catch (CudaCallException e) {
            // a broken context still gets every handle released below, as far as the driver allows
        }
        a.close();
        b.close();
        c.close();
        resident.values().forEach(DeviceBuffer::close);
        resident.clear();
        uploaded.clear();
        ops.close();
        staging.close();
        ctx.close();
    }
}
