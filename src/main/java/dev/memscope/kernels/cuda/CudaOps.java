package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaCallException.check;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;

import dev.memscope.kernels.PixelPair;
import dev.memscope.tensor.Shape;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * Enqueues the kernels of kernels/*.cu on device pointers: the one place that knows their names, parameter
 * lists and launch geometry. Used by {@link CudaKernels} (host arrays in and out) and {@link ResidentKernels}
 * (device tensors). Nothing here synchronizes; errors of a launch itself are thrown at once, faults during
 * execution at the next synchronization.
 */
final class CudaOps implements AutoCloseable {

    // Kernel names (extern "C" in kernels/*.cuh). Each starts with the ScoreKernels op(s) it serves, so a grep for
    // an op name finds its kernels; FatbinResourceTest checks that every name below is an entry of the fatbin.
    static final String DIFF_NORM_MSE_PARTIALS = "diffNorm_mse_partials";
    static final String SUM_FINISH = "diffNorm_mse_pixelCosine_finish";
    static final String GLOBAL_COSINE_PARTIALS = "globalCosine_partials";
    static final String GLOBAL_COSINE_FINISH = "globalCosine_finish";
    static final String CFG = "cfg";
    static final String AMG = "amg";
    static final String LINEAR = "ddimStep_convert_linear";
    static final String COPY = "copy_quads";
    static final String SGEMM_NT = "sgemm_nt";
    static final String SGEMM_NN = "sgemm_nn";

    /** The per-pixel cosine kernel of a pair mode (without its _vec / _scalar suffix). */
    static String pixelCosineKernel(PixelPair pair) {
        return switch (pair) {
            case PLAIN -> "pixelCosine_plain";
            case Q_MINUS_P -> "guidanceAlignment_qMinusP";
            case P_MINUS_Q -> "guidanceAlignment_pMinusQ";
        };
    }

    static String amgKernel(boolean vec, boolean hasN, boolean hasG) {
        return AMG + "_" + (vec ? "vec" : "scalar") + "_n" + (hasN ? 1 : 0) + "_g" + (hasG ? 1 : 0);
    }

    /** Every kernel this class launches; {@link CudaContext} looks them all up when it loads the module. */
    static final java.util.List<String> KERNELS = kernelNames();

    private static java.util.List<String> kernelNames() {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(DIFF_NORM_MSE_PARTIALS,
                GLOBAL_COSINE_PARTIALS, SUM_FINISH, GLOBAL_COSINE_FINISH, CFG + "_vec", CFG + "_scalar", LINEAR,
                COPY, SGEMM_NT, SGEMM_NN));
        for (PixelPair m : PixelPair.values()) {
            names.add(pixelCosineKernel(m) + "_vec");
            names.add(pixelCosineKernel(m) + "_scalar");
        }
        for (boolean vec : new boolean[] {true, false}) {
            for (boolean n : new boolean[] {false, true}) {
                for (boolean g : new boolean[] {false, true}) {
                    names.add(amgKernel(vec, n, g));
                }
            }
        }
        return java.util.List.copyOf(names);
    }

    /** Modes of the {@link #SUM_FINISH} kernel. */
    static final int FINISH_SQRT = 0;
    static final int FINISH_MEAN = 1;

    /** Blocks per SM to aim for: enough resident 256-thread blocks to cover memory latency, in about one wave. */
    private static final int BLOCKS_PER_SM = 8;

    private final CudaContext ctx;
    private final DeviceBuffer partials;
    private final DeviceBuffer flag;
    private static final CUdeviceptr NULL = new CUdeviceptr();

    CudaOps(CudaContext ctx) {
        this.ctx = ctx;
        this.partials = new DeviceBuffer(ctx, "reduction partials");
        this.flag = new DeviceBuffer(ctx, "non-finite flag");
    }

    CudaContext context() {
        return ctx;
    }

    /**
     * Blocks per sample: enough blocks overall to fill the device (about {@link #BLOCKS_PER_SM} per SM), but never
     * more than one per {@link CudaContext#BLOCK} work units of a sample. Depends only on the sizes and the
     * device, so a reduction's order (and result) is the same on every call.
     */
    static int chunks(long unitsPerSample, int batch, int multiprocessors) {
        long target = (long) multiprocessors * BLOCKS_PER_SM;
        long byDevice = (target + batch - 1) / batch;
        long byWork = Math.max(1, (unitsPerSample + CudaContext.BLOCK - 1) / CudaContext.BLOCK);
        return (int) Math.max(1, Math.min(Math.min(byDevice, byWork), Integer.MAX_VALUE));
    }

    private int chunks(long unitsPerSample, int batch) {
        return chunks(unitsPerSample, batch, ctx.multiprocessors);
    }

    private static int gridY(int batch) {
        return Math.min(batch, CudaContext.MAX_GRID_Y);
    }

    private static Pointer ptr(CUdeviceptr p) {
        return Pointer.to(p);
    }

    private static Pointer i32(int v) {
        return Pointer.to(new int[] {v});
    }

    private static Pointer i64(long v) {
        return Pointer.to(new long[] {v});
    }

    private static Pointer f32(float v) {
        return Pointer.to(new float[] {v});
    }

    private static Pointer f64(double v) {
        return Pointer.to(new double[] {v});
    }

    // ---- reductions -----------------------------------------------------------------------------------------------

    /** out[b] = sqrt(sum (a-b)^2) (FINISH_SQRT) or sum (a-b)^2 / n (FINISH_MEAN). */
    void squaredDiff(CUdeviceptr a, CUdeviceptr b, Shape shape, int finish, CUdeviceptr out) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        int chunks = chunks((n + 3) / 4, batch);
        CUdeviceptr part = partials.ensure((long) batch * chunks * Double.BYTES);
        ctx.launch(DIFF_NORM_MSE_PARTIALS, chunks, gridY(batch), CudaContext.BLOCK,
                Pointer.to(ptr(a), ptr(b), i32(batch), i64(n), i32(chunks), ptr(part)), shape::toString);
        finishSum(part, batch, chunks, finish, n, out, shape);
    }

    /** out[b] = cosine between samples u_b and v_b as flat vectors. */
    void globalCosine(CUdeviceptr u, CUdeviceptr v, Shape shape, CUdeviceptr out) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        int chunks = chunks((n + 3) / 4, batch);
        CUdeviceptr part = partials.ensure((long) batch * chunks * 3 * Double.BYTES);
        ctx.launch(GLOBAL_COSINE_PARTIALS, chunks, gridY(batch), CudaContext.BLOCK,
                Pointer.to(ptr(u), ptr(v), i32(batch), i64(n), i32(chunks), ptr(part)), shape::toString);
        ctx.launch(GLOBAL_COSINE_FINISH, batch, 1, CudaContext.FINISH_BLOCK,
                Pointer.to(ptr(part), i32(batch), i32(chunks), ptr(out)), shape::toString);
    }

    /** out[b] = mean over pixels of the clamped cosine of the pair {@code mode} forms from p and q. */
    void pixelCosine(CUdeviceptr p, CUdeviceptr q, Shape shape, PixelPair mode, CUdeviceptr out) {
        int batch = shape.batch();
        int pixels = shape.pixels();
        boolean vec = pixels % 4 == 0;
        long units = vec ? pixels / 4 : pixels;
        int chunks = chunks(units, batch);
        CUdeviceptr part = partials.ensure((long) batch * chunks * Double.BYTES);
        ctx.launch(pixelCosineKernel(mode) + (vec ? "_vec" : "_scalar"), chunks, gridY(batch), CudaContext.BLOCK,
                Pointer.to(ptr(p), ptr(q), i32(batch), i32(shape.channels()), i32(pixels), i32(chunks), ptr(part)),
                shape::toString);
        finishSum(part, batch, chunks, FINISH_MEAN, pixels, out, shape);
    }

    private void finishSum(CUdeviceptr part, int batch, int chunks, int mode, double divisor, CUdeviceptr out,
                           Shape shape) {
        ctx.launch(SUM_FINISH, batch, 1, CudaContext.FINISH_BLOCK,
                Pointer.to(ptr(part), i32(batch), i32(chunks), i32(mode), f64(divisor), ptr(out)), shape::toString);
    }

    // ---- elementwise ---------------------------------------------------------------------------------------------

    /** Zeroes the non-finite flag; the next elementwise kernel sets it if it writes NaN or infinity. */
    private CUdeviceptr clearFlag() {
        CUdeviceptr f = flag.ensure(Integer.BYTES);
        check(cuMemsetD32Async(f, 0, 1, ctx.stream), "cuMemsetD32Async of the non-finite flag");
        return f;
    }

    /** The flag the last elementwise kernel set: a pointer to one int, 0 when every value written was finite. */
    CUdeviceptr nonFiniteFlag() {
        return flag.ensure(Integer.BYTES);
    }

    void cfg(CUdeviceptr epsU, CUdeviceptr epsC, CUdeviceptr scale, Shape shape, CUdeviceptr out) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        boolean vec = n % 4 == 0;
        int chunks = chunks(vec ? n / 4 : n, batch);
        CUdeviceptr f = clearFlag();
        ctx.launch(CFG + (vec ? "_vec" : "_scalar"), chunks, gridY(batch), CudaContext.BLOCK,
                Pointer.to(ptr(epsU), ptr(epsC), ptr(scale), i32(batch), i64(n), ptr(out), ptr(f)), shape::toString);
    }

    /**
     * AMG update with per-sample coefficients already rounded to float: {@code guide}, and {@code dedup} with
     * {@code epsN}, {@code dissim} with {@code g} (both of a pair null when that term is absent).
     */
    void amg(CUdeviceptr epsU, CUdeviceptr epsC, CUdeviceptr epsN, CUdeviceptr g, CUdeviceptr guide,
             CUdeviceptr dedup, CUdeviceptr dissim, Shape shape, CUdeviceptr out) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        boolean vec = n % 4 == 0;
        int chunks = chunks(vec ? n / 4 : n, batch);
        boolean hasN = epsN != null;
        boolean hasG = g != null;
        String kernel = amgKernel(vec, hasN, hasG);
        CUdeviceptr f = clearFlag();
        ctx.launch(kernel, chunks, gridY(batch), CudaContext.BLOCK,
                Pointer.to(ptr(epsU), ptr(epsC), ptr(hasN ? epsN : NULL), ptr(hasG ? g : NULL), ptr(guide),
                        ptr(hasN ? dedup : NULL), ptr(hasG ? dissim : NULL), i32(batch), i64(n), ptr(out), ptr(f)),
                shape::toString);
    }

    /** out = alpha*x + beta*y over {@code total} floats. */
    void linear(CUdeviceptr x, CUdeviceptr y, float alpha, float beta, long total, CUdeviceptr out, Shape shape) {
        int grid = linearGrid(total / 4);
        CUdeviceptr f = clearFlag();
        ctx.launch(LINEAR, grid, 1, CudaContext.BLOCK,
                Pointer.to(ptr(x), ptr(y), f32(alpha), f32(beta), i64(total), ptr(out), ptr(f)), shape::toString);
    }

    /** Copies {@code quads} float4 values (the copy-bandwidth probe). */
    void copy(CUdeviceptr src, CUdeviceptr dst, long quads) {
        ctx.launch(COPY, linearGrid(quads), 1, CudaContext.BLOCK, Pointer.to(ptr(src), ptr(dst), i64(quads)),
                () -> quads + " float4 values");
    }

    /** A 1-D grid for {@code work} items: at most one wave of {@link #BLOCKS_PER_SM} blocks per SM, at least 1. */
    private int linearGrid(long work) {
        long byWork = (work + CudaContext.BLOCK - 1) / CudaContext.BLOCK;
        return (int) Math.max(1, Math.min(byWork, (long) ctx.multiprocessors * BLOCKS_PER_SM));
    }

    // ---- matrix products -------------------------------------------------------------------------------------------

    static final int GEMM_TILE = 64;

    /** C = A * B^T (nt) or A * B, row-major, m x n result (see kernels/gemm.cuh). */
    void sgemm(boolean nt, int m, int n, int k, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c) {
        int gridX = (n + GEMM_TILE - 1) / GEMM_TILE;
        int gridY = Math.min((m + GEMM_TILE - 1) / GEMM_TILE, CudaContext.MAX_GRID_Y);
        ctx.launch(nt ? SGEMM_NT : SGEMM_NN, gridX, gridY, CudaContext.BLOCK,
                Pointer.to(i32(m), i32(n), i32(k), ptr(a), ptr(b), ptr(c)),
                () -> "m=" + m + ", n=" + n + ", k=" + k);
    }

    @Override
    public void close() {
        partials.close();
        flag.close();
    }
}
