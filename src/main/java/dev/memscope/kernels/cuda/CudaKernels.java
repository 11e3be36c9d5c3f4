package dev.memscope.kernels.cuda;

import java.util.function.Supplier;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.CheckedKernels;
import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.OpArgs;
import dev.memscope.kernels.PixelPair;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import jcuda.driver.CUdeviceptr;

/**
 * The kernel interface on a CUDA device, through JCuda's driver API only: device 0's primary context, the
 * kernels of {@code kernels/*.cu} loaded from the fatbin embedded in the jar, one stream, device buffers reused
 * across calls (grown when a call needs more) and pinned host staging. Each call uploads its inputs, runs the
 * kernels and downloads the result before returning; {@link #resident()} gives the same kernels on tensors that
 * stay on the device.
 *
 * <p>Results: elementwise operations are bit-identical to {@code ScalarKernels} (explicitly rounded float
 * arithmetic in the same order). Reductions accumulate in double like it but are not the same arithmetic: the
 * summation order differs, and the device adds each term with a fused {@code fma(d, d, sum)} where the scalar
 * backend rounds {@code d*d} to double first (about one double ulp per term). Both are far below one float ulp
 * of the result in practice, but reductions are compared with a tolerance, never exactly.
 * Every failed driver call throws {@link CudaCallException} naming the call, kernel and sizes.
 * Not thread-safe, like every backend.
 */
public final class CudaKernels extends CheckedKernels {

    private final CudaContext ctx;
    private final CudaOps ops;
    private final Staging staging;
    private final DeviceBuffer[] inputs;
    private final DeviceBuffer output;
    private final DeviceBuffer perSample;
    private final DeviceBuffer params;
    private ResidentKernels resident;
    private boolean closed;

    public CudaKernels() {
        this(NonFinitePolicy.REJECT);
    }

    /** @throws IllegalStateException when CUDA cannot run here, with {@link CudaAvailability}'s reason */
    public CudaKernels(NonFinitePolicy policy) {
        super(policy);
        String why = CudaAvailability.unavailableReason();
        if (why != null) {
            throw new IllegalStateException("the cuda backend is unavailable on this machine: " + why);
        }
        ctx = CudaContext.open();
        try {
            ops = new CudaOps(ctx);
            staging = new Staging(ctx);
            inputs = new DeviceBuffer[OpArgs.MAX_INPUTS];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = new DeviceBuffer(ctx, "input " + i);
            }
            output = new DeviceBuffer(ctx, "output tensor");
            perSample = new DeviceBuffer(ctx, "per-sample results");
            params = new DeviceBuffer(ctx, "per-sample parameters");
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The device this backend runs on, for reports: name, compute capability, SMs, driver version. */
    public String device() {
        return ctx.describe();
    }

    /** Kernels on device-resident tensors, sharing this instance's context and stream; closed with it. */
    public ResidentKernels resident() {
        checkOpen();
        if (resident == null) {
            resident = new ResidentKernels(ops, staging);
        }
        return resident;
    }

    // ---- reductions -----------------------------------------------------------------------------------------------

    @Override
    protected void diffNormImpl(TensorF32 a, TensorF32 b, float[] out) {
        Supplier<String> what = begin("diffNorm", a.shape());
        CUdeviceptr da = upload(0, a, what);
        CUdeviceptr db = upload(1, b, what);
        CUdeviceptr dout = perSample.ensure((long) out.length * Float.BYTES);
        ops.diffNorm(da, db, a.shape(), dout);
        staging.download(dout, out, 0, out.length, what);
    }

    @Override
    protected void pixelCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
        pixelCosine("pixelCosine", u, v, PixelPair.PLAIN, out);
    }

    @Override
    protected void guidanceAlignmentImpl(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant, float[] out) {
        String op = "guidanceAlignment " + variant.cliName();
        pixelCosine(op, variant.first(epsC, epsU), variant.second(epsC, epsU), variant.pair(), out);
    }

    private void pixelCosine(String op, TensorF32 p, TensorF32 q, PixelPair mode, float[] out) {
        Supplier<String> what = begin(op, p.shape());
        CUdeviceptr dp = upload(0, p, what);
        CUdeviceptr dq = upload(1, q, what);
        CUdeviceptr dout = perSample.ensure((long) out.length * Float.BYTES);
        ops.pixelCosine(dp, dq, p.shape(), mode, dout);
        staging.download(dout, out, 0, out.length, what);
    }

    @Override
    protected void globalCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
        Supplier<String> what = begin("globalCosine", u.shape());
        CUdeviceptr du = upload(0, u, what);
        CUdeviceptr dv = upload(1, v, what);
        CUdeviceptr dout = perSample.ensure((long) out.length * Float.BYTES);
        ops.globalCosine(du, dv, u.shape(), dout);
        staging.download(dout, out, 0, out.length, what);
    }

    // ---- elementwise ------------------------------------------------------------------------------------------

    // ---- the ops on the generic path ------------------------------------------------------------------------------

    @Override
    protected boolean runImpl(OpArgs a) {
        KernelOp op = a.op();
        Shape shape = a.shape();
        int batch = shape.batch();
        Supplier<String> what = begin(op.cliName(), shape);
        CUdeviceptr[] in = new CUdeviceptr[a.inputCount()];
        for (int i = 0; i < in.length; i++) {
            in[i] = upload(i, a.input(i), what);
        }
        CUdeviceptr dparams = CudaOps.NULL;
        if (a.paramCount() > 0) {
            long slot = (long) batch * Float.BYTES;
            dparams = params.ensure(a.paramCount() * slot);
            for (int k = 0; k < a.paramCount(); k++) {
                staging.upload(a.param(k), 0, batch, dparams.withByteOffset(k * slot), what);
            }
        }
        if (op.perSample()) {
            CUdeviceptr dout = perSample.ensure((long) batch * Float.BYTES);
            ops.generic(op, in, dparams, shape, dout);
            staging.download(dout, a.perSampleOut(), 0, batch, what);
            return true;
        }
        CUdeviceptr dout = output.ensure(bytes(a.tensorOut()));
        ops.generic(op, in, dparams, shape, dout);
        return downloadElementwise(dout, a.tensorOut(), what);
    }

    // ---- fused elementwise ops -----------------------------------------------------------------------------------

    @Override
    protected boolean amgImpl(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0, float[] s1,
                              float[] s2, float[] c3, double abarT, TensorF32 out) {
        Supplier<String> what = begin("amg", epsU.shape());
        int batch = epsU.batch();
        float[][] k = ResidentKernels.amgCoefficients(s0, s1, s2, c3, abarT);
        long slot = (long) batch * Float.BYTES;
        CUdeviceptr dparams = params.ensure(3 * slot);
        CUdeviceptr guide = dparams;
        CUdeviceptr dedup = dparams.withByteOffset(slot);
        CUdeviceptr dissim = dparams.withByteOffset(2 * slot);
        staging.upload(k[0], 0, batch, guide, what);
        if (epsN != null) {
            staging.upload(k[1], 0, batch, dedup, what);
        }
        if (g != null) {
            staging.upload(k[2], 0, batch, dissim, what);
        }
        CUdeviceptr du = upload(0, epsU, what);
        CUdeviceptr dc = upload(1, epsC, what);
        CUdeviceptr dn = epsN == null ? null : upload(2, epsN, what);
        CUdeviceptr dg = g == null ? null : upload(3, g, what);
        CUdeviceptr dout = output.ensure(bytes(out));
        ops.amg(du, dc, dn, dg, guide, epsN == null ? null : dedup, g == null ? null : dissim, epsU.shape(), dout);
        return downloadElementwise(dout, out, what);
    }

    @Override
    protected boolean linearImpl(TensorF32 x, TensorF32 y, double alpha, double beta, TensorF32 out) {
        Supplier<String> what = begin("linear combination (ddimStep/convert)", x.shape());
        CUdeviceptr dx = upload(0, x, what);
        CUdeviceptr dy = upload(1, y, what);
        CUdeviceptr dout = output.ensure(bytes(out));
        ops.linear(dx, dy, (float) alpha, (float) beta, x.shape().size(), dout, x.shape());
        return downloadElementwise(dout, out, what);
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    private CUdeviceptr upload(int slot, TensorF32 t, Supplier<String> what) {
        CUdeviceptr d = inputs[slot].ensure(bytes(t));
        staging.upload(t.data(), 0, t.data().length, d, what);
        return d;
    }

    private boolean downloadElementwise(CUdeviceptr dout, TensorF32 out, Supplier<String> what) {
        staging.download(dout, out.data(), 0, out.data().length, what);
        return staging.downloadInt(ops.nonFiniteFlag(), what) == 0;
    }

    private static long bytes(TensorF32 t) {
        return (long) t.shape().size() * Float.BYTES;
    }

    /** Every operation starts here: this thread gets the context; errors will name the operation and shape. */
    private Supplier<String> begin(String op, Shape shape) {
        checkOpen();
        ctx.makeCurrent();
        return () -> op + " on " + shape;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this cuda backend has been closed");
        }
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
        if (resident != null) {
            resident.freeAll();
        }
        for (DeviceBuffer b : inputs) {
            b.close();
        }
        output.close();
        perSample.close();
        params.close();
        ops.close();
        staging.close();
        ctx.close();
    }
}
