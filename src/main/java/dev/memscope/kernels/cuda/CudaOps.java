package dev.memscope.kernels.cuda;

import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.OpArgs;
import dev.memscope.kernels.PixelPair;
import dev.memscope.tensor.Shape;
import jcuda.driver.CUdeviceptr;

/**
 * Enqueues the kernels of kernels/*.cu on device pointers: the one place that chooses their launch geometry and
 * packs their arguments (checked against the {@link CudaKernel} signature table). Used by {@link CudaKernels}
 * (host arrays in and out) and {@link ResidentKernels} (device tensors). Nothing here synchronizes; errors of a
 * launch itself are thrown at once, faults during execution at the next synchronization.
 */
final class CudaOps implements AutoCloseable {

    /** Modes of the {@link CudaKernel#SUM_FINISH} kernel. */
    static final int FINISH_SQRT = 0;
    static final int FINISH_MEAN = 1;

    private final LaunchTarget device;
    private final CudaContext ctx;
    private final LaunchTarget.Scratch partials;
    private final LaunchTarget.Scratch flag;
    private final LaunchTarget.Scratch gemmWorkspace;
    /** A null device pointer: an absent input or parameter. */
    static final CUdeviceptr NULL = new CUdeviceptr();

    CudaOps(CudaContext ctx) {
        this(ctx, ctx);
    }

    /** {@code ctx} may be null where only {@code device} is used (tests with a fake device). */
    CudaOps(LaunchTarget device, CudaContext ctx) {
        this.device = device;
        this.ctx = ctx;
        this.partials = device.scratch("reduction partials");
        this.flag = device.scratch("non-finite flag");
        this.gemmWorkspace = device.scratch("split-K GEMM workspace");
    }

    CudaContext context() {
        return ctx;
    }

    private int wave(CudaKernel kernel) {
        return Waves.wave(device.multiprocessors(), device.residentBlocks(kernel));
    }

    /** Grid of a per-sample kernel with {@code units} float4 quads or pixels per sample (see {@link Waves}). */
    Waves.Grid perSampleGrid(CudaKernel kernel, long units, int batch) {
        return Waves.perSample(units, batch, kernel.block(), wave(kernel));
    }

    // ---- reductions -----------------------------------------------------------------------------------------------

    /** out[b] = sqrt(sum (a-b)^2). */
    void diffNorm(CUdeviceptr a, CUdeviceptr b, Shape shape, CUdeviceptr out) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        CudaKernel kernel = CudaKernel.DIFF_NORM_PARTIALS;
        Waves.Grid grid = perSampleGrid(kernel, (n + 3) / 4, batch);
        int chunks = grid.x();
        CUdeviceptr part = partials.ensure((long) batch * chunks * Double.BYTES);
        device.launch(kernel.args().ptr(a).ptr(b).i32(batch).i64(n).i32(chunks).ptr(part), grid.x(), grid.y(),
                shape::toString);
        finishSum(part, batch, chunks, FINISH_SQRT, n, out, shape);
    }

    /** out[b] = cosine between samples u_b and v_b as flat vectors. */
    void globalCosine(CUdeviceptr u, CUdeviceptr v, Shape shape, CUdeviceptr out) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        CudaKernel kernel = CudaKernel.GLOBAL_COSINE_PARTIALS;
        Waves.Grid grid = perSampleGrid(kernel, (n + 3) / 4, batch);
        int chunks = grid.x();
        CUdeviceptr part = partials.ensure((long) batch * chunks * 3 * Double.BYTES);
        device.launch(kernel.args().ptr(u).ptr(v).i32(batch).i64(n).i32(chunks).ptr(part), grid.x(), grid.y(),
                shape::toString);
        device.launch(CudaKernel.GLOBAL_COSINE_FINISH.args().ptr(part).i32(batch).i32(chunks).ptr(out), batch, 1,
                shape::toString);
    }

    /** out[b] = mean over pixels of the clamped cosine of the pair {@code mode} forms from p and q. */
    void pixelCosine(CUdeviceptr p, CUdeviceptr q, Shape shape, PixelPair mode, CUdeviceptr out) {
        int batch = shape.batch();
        int pixels = shape.pixels();
        int channels = shape.channels();
        if (channelParallel(channels, pixels)) {
            CudaKernel kernel = CudaKernel.pixelCosineChannels(mode);
            CUdeviceptr part = partials.ensure((long) batch * pixels * Double.BYTES);
            device.launch(kernel.args().ptr(p).ptr(q).i32(batch).i32(channels).i32(pixels).ptr(part), pixels,
                    Math.min(batch, CudaContext.MAX_GRID_Y), shape::toString);
            finishSum(part, batch, pixels, FINISH_MEAN, pixels, out, shape);
            return;
        }
        boolean vec = pixels % 4 == 0 && fillsAWave(CudaKernel.pixelCosine(mode, true), pixels / 4, batch);
        long units = vec ? pixels / 4 : pixels;
        CudaKernel kernel = CudaKernel.pixelCosine(mode, vec);
        Waves.Grid grid = perSampleGrid(kernel, units, batch);
        int chunks = grid.x();
        CUdeviceptr part = partials.ensure((long) batch * chunks * Double.BYTES);
        device.launch(kernel.args().ptr(p).ptr(q).i32(batch).i32(channels).i32(pixels).i32(chunks)
                .ptr(part), grid.x(), grid.y(), shape::toString);
        finishSum(part, batch, chunks, FINISH_MEAN, pixels, out, shape);
    }

    /**
     * Few pixels and many channels ([B, 4099, 1, 1]): a block per pixel sums over the channels, rather than one
     * thread per pixel walking them with the rest of its block idle.
     */
    static boolean channelParallel(int channels, int pixels) {
        return pixels < CudaContext.BLOCK && channels >= 64;
    }

    /** Whether one unit per thread of {@code units} per sample gives at least a wave of blocks of the kernel. */
    private boolean fillsAWave(CudaKernel kernel, long units, int batch) {
        long blocksPerSample = (units + kernel.block() - 1) / kernel.block();
        return blocksPerSample * batch >= wave(kernel);
    }

    private void finishSum(CUdeviceptr part, int batch, int chunks, int mode, double divisor, CUdeviceptr out,
                           Shape shape) {
        device.launch(CudaKernel.SUM_FINISH.args().ptr(part).i32(batch).i32(chunks).i32(mode).f64(divisor).ptr(out),
                batch, 1, shape::toString);
    }

    // ---- elementwise ---------------------------------------------------------------------------------------------

    /** Zeroes the non-finite flag; the next elementwise kernel sets it if it writes NaN or infinity. */
    CUdeviceptr clearFlag() {
        CUdeviceptr f = flag.ensure(Integer.BYTES);
        device.zeroInt(f, "the non-finite flag");
        return f;
    }

    /** The flag the last elementwise kernel set: a pointer to one int, 0 when every value written was finite. */
    CUdeviceptr nonFiniteFlag() {
        return flag.ensure(Integer.BYTES);
    }

    /**
     * AMG update with per-sample coefficients already rounded to float: {@code guide}, and {@code dedup} with
     * {@code epsN}, {@code dissim} with {@code g} (both of a pair null when that term is absent).
     */
    void amg(CUdeviceptr epsU, CUdeviceptr epsC, CUdeviceptr epsN, CUdeviceptr g, CUdeviceptr guide,
             CUdeviceptr dedup, CUdeviceptr dissim, Shape shape, CUdeviceptr out) {
        amgKernel(epsU, epsC, epsN, g, guide, dedup, dissim, shape, out, clearFlag());
    }

    void amgKernel(CUdeviceptr epsU, CUdeviceptr epsC, CUdeviceptr epsN, CUdeviceptr g, CUdeviceptr guide,
                   CUdeviceptr dedup, CUdeviceptr dissim, Shape shape, CUdeviceptr out, CUdeviceptr f) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        boolean vec = n % 4 == 0;
        boolean hasN = epsN != null;
        boolean hasG = g != null;
        CudaKernel kernel = CudaKernel.amg(vec, hasN, hasG);
        Waves.Grid grid = perSampleGrid(kernel, vec ? n / 4 : n, batch);
        device.launch(kernel.args().ptr(epsU).ptr(epsC).ptr(hasN ? epsN : NULL).ptr(hasG ? g : NULL).ptr(guide)
                        .ptr(hasN ? dedup : NULL).ptr(hasG ? dissim : NULL).i32(batch).i64(n).ptr(out).ptr(f),
                grid.x(), grid.y(), shape::toString);
    }

    /** out = alpha*x + beta*y over {@code total} floats. */
    void linear(CUdeviceptr x, CUdeviceptr y, float alpha, float beta, long total, CUdeviceptr out, Shape shape) {
        linearKernel(x, y, alpha, beta, total, out, shape, clearFlag());
    }

    void linearKernel(CUdeviceptr x, CUdeviceptr y, float alpha, float beta, long total, CUdeviceptr out,
                      Shape shape, CUdeviceptr f) {
        CudaKernel kernel = CudaKernel.LINEAR;
        int grid = gridStride(kernel, total / 4);
        device.launch(kernel.args().ptr(x).ptr(y).f32(alpha).f32(beta).i64(total).ptr(out).ptr(f), grid, 1,
                shape::toString);
    }

    /** Copies {@code quads} float4 values (the copy-bandwidth probe). */
    void copy(CUdeviceptr src, CUdeviceptr dst, long quads) {
        CudaKernel kernel = CudaKernel.COPY;
        device.launch(kernel.args().ptr(src).ptr(dst).i64(quads), gridStride(kernel, quads),
                1, () -> quads + " float4 values");
    }

    // ---- the ops on the generic path (kernels/ops.cuh) ---------------------------------------------------------

    /** Doubles per partial of a per-sample op on the generic path: ops.cuh's MS_MAX_TERMS. */
    static final int MAX_TERMS = 4;

    /**
     * Runs {@code op}, an op on the generic path, through its convention-named kernels: {@code inputs} in the op's
     * formula order (1 to {@link OpArgs#MAX_INPUTS}), {@code params} its per-sample parameters packed
     * parameter-major (parameter k of sample s at k * batch + s; an empty pointer when it has none), {@code out}
     * {@code float[B]} for a per-sample op, else a tensor of the input shape (after clearing the non-finite flag).
     */
    void generic(KernelOp op, CUdeviceptr[] inputs, CUdeviceptr params, Shape shape, CUdeviceptr out) {
        if (params == null) {
            params = NULL;
        }
        if (op.perSample()) {
            genericSum(op, inputs, params, shape, out);
        } else {
            genericMap(op, inputs, params, shape, out, clearFlag());
        }
    }

    /** Stage one ({@code NAME_sum_partials}) over chunks of float4 quads, stage two ({@code NAME_sum_finish}). */
    void genericSum(KernelOp op, CUdeviceptr[] inputs, CUdeviceptr params, Shape shape, CUdeviceptr out) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        CudaKernel kernel = CudaKernel.sumPartials(op);
        Waves.Grid grid = perSampleGrid(kernel, (n + 3) / 4, batch);
        int chunks = grid.x();
        CUdeviceptr part = partials.ensure((long) batch * chunks * MAX_TERMS * Double.BYTES);
        device.launch(inputs(kernel.args(), inputs).ptr(params).i32(batch).i64(n).i32(chunks).ptr(part), grid.x(),
                grid.y(), shape::toString);
        device.launch(CudaKernel.sumFinish(op).args().ptr(part).ptr(params).i32(batch).i32(chunks).i64(n).ptr(out),
                batch, 1, shape::toString);
    }

    /** {@code NAME_map_vec} when a sample is whole quads, else {@code NAME_map_scalar}; sets flag {@code f}. */
    void genericMap(KernelOp op, CUdeviceptr[] inputs, CUdeviceptr params, Shape shape, CUdeviceptr out,
                    CUdeviceptr f) {
        int batch = shape.batch();
        long n = shape.sampleSize();
        boolean vec = n % 4 == 0;
        CudaKernel kernel = CudaKernel.map(op, vec);
        Waves.Grid grid = perSampleGrid(kernel, vec ? n / 4 : n, batch);
        device.launch(inputs(kernel.args(), inputs).ptr(params).i32(batch).i64(n).ptr(out).ptr(f), grid.x(),
                grid.y(), shape::toString);
    }

    /** in0..in3: the given inputs, then NULL. */
    private static KernelArgs inputs(KernelArgs args, CUdeviceptr[] inputs) {
        if (inputs.length < 1 || inputs.length > OpArgs.MAX_INPUTS) {
            throw new IllegalArgumentException(args.kernel() + " takes 1 to " + OpArgs.MAX_INPUTS + " inputs, got "
                    + inputs.length);
        }
        for (int i = 0; i < OpArgs.MAX_INPUTS; i++) {
            args.ptr(i < inputs.length ? inputs[i] : NULL);
        }
        return args;
    }

    /** A 1-D grid-stride grid for {@code work} items: at most one wave of the kernel (see {@link Waves}). */
    int gridStride(CudaKernel kernel, long work) {
        return Waves.gridStride(work, kernel.block(), wave(kernel));
    }

    // ---- matrix products -------------------------------------------------------------------------------------------

    /** GEMM_TILE in kernels/gemm.cuh: rows and columns of C per block. */
    static final int GEMM_TILE = GemmPlan.TILE;

    /**
     * C = A * B^T (nt) or A * B, row-major, m x n result (see kernels/gemm.cuh). Few output tiles are split along
     * K ({@link GemmPlan}) into a workspace whose planes {@code sgemm_splitk_sum} adds in a fixed order; an NT
     * product with at most 16 rows of A takes the warp-per-row {@code sgemv_nt}.
     */
    void sgemm(boolean nt, int m, int n, int k, CUdeviceptr a, CUdeviceptr b, CUdeviceptr c) {
        if (GemmPlan.gemv(nt, m)) {
            CudaKernel gemv = CudaKernel.SGEMV_NT;
            device.launch(gemv.args().i32(m).i32(n).i32(k).ptr(a).ptr(b).ptr(c), GemmPlan.gemvGrid(n, wave(gemv)), 1,
                    () -> "m=" + m + ", n=" + n + ", k=" + k + " (sgemv_nt)");
            return;
        }
        CudaKernel kernel = nt ? CudaKernel.SGEMM_NT : CudaKernel.SGEMM_NN;
        GemmPlan plan = GemmPlan.of(m, n, k, wave(kernel));
        java.util.function.Supplier<String> sizes = () -> "m=" + m + ", n=" + n + ", k=" + k + ", " + plan;
        CUdeviceptr target = plan.splits() == 1 ? c
                : gemmWorkspace.ensure(plan.workspaceFloats(m, n) * Float.BYTES);
        device.launch(kernel.args().i32(m).i32(n).i32(k).i32(plan.kSlice()).ptr(a).ptr(b).ptr(target),
                plan.tilesX(), plan.tilesY(), plan.splits(), sizes);
        if (plan.splits() > 1) {
            CudaKernel sum = CudaKernel.SGEMM_SPLITK_SUM;
            long mn = (long) m * n;
            device.launch(sum.args().ptr(target).i32(plan.splits()).i64(mn).ptr(c), gridStride(sum, mn), 1, sizes);
        }
    }

    @Override
    public void close() {
        partials.close();
        flag.close();
        gemmWorkspace.close();
    }
}
