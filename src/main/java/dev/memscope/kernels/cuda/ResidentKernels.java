package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaCallException.check;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.PixelPair;
import dev.memscope.kernels.Conversion;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import jcuda.driver.CUdeviceptr;

/**
 * The CUDA kernels on tensors that stay in device memory: upload once, run many operations, download what you
 * need. This is what a benchmark of the kernels alone times (no PCIe transfer in the loop), and what a pipeline
 * that keeps its state on the GPU would call.
 *
 * <p>Operations only enqueue work on the backend's stream and return; {@link #synchronize()} waits for it (and
 * is where a fault during a kernel is reported). Unlike {@link CudaKernels}, nothing here checks for NaN or
 * infinity: the arguments' shapes are checked, the values are not. Obtain it from {@link CudaKernels#resident()};
 * device tensors and vectors it makes are freed by their {@code close()} or when the backend closes.
 */
public final class ResidentKernels {

    private final CudaOps ops;
    private final CudaContext ctx;
    private final Staging staging;
    private final List<AutoCloseable> allocations = new ArrayList<>();

    ResidentKernels(CudaOps ops, Staging staging) {
        this.ops = ops;
        this.ctx = ops.context();
        this.staging = staging;
    }

    CudaOps ops() {
        return ops;
    }

    // ---- memory ---------------------------------------------------------------------------------------------------

    public DeviceTensor allocate(Shape shape) {
        ctx.makeCurrent();
        DeviceTensor t = new DeviceTensor(ctx, shape, alloc((long) shape.size() * Float.BYTES, shape.toString()));
        track(t);
        return t;
    }

    /** Copies a host tensor to a new device tensor; returns when the copy is done. */
    public DeviceTensor upload(TensorF32 host) {
        DeviceTensor t = allocate(host.shape());
        Supplier<String> what = () -> "upload of " + host.shape();
        staging.upload(host.data(), 0, host.data().length, t.ptr(), what);
        ctx.synchronize(what);
        return t;
    }

    /** Copies a device tensor into a host tensor of the same shape, after all queued work. */
    public void download(DeviceTensor device, TensorF32 host) {
        sameShape("download", "device", device, host.shape());
        ctx.makeCurrent();
        staging.download(device.ptr(), host.data(), 0, host.data().length, () -> "download of " + device.shape());
    }

    public DeviceVector allocateVector(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("a device vector needs length >= 1, got " + length);
        }
        ctx.makeCurrent();
        DeviceVector v = new DeviceVector(ctx, length, alloc((long) length * Float.BYTES, "vector of " + length));
        track(v);
        return v;
    }

    public DeviceVector upload(float[] host) {
        DeviceVector v = allocateVector(host.length);
        Supplier<String> what = () -> "upload of " + host.length + " floats";
        staging.upload(host, 0, host.length, v.ptr(), what);
        ctx.synchronize(what);
        return v;
    }

    /** The vector's values, after all queued work. */
    public float[] download(DeviceVector device) {
        ctx.makeCurrent();
        float[] out = new float[device.length()];
        staging.download(device.ptr(), out, 0, out.length, () -> "download of " + out.length + " floats");
        return out;
    }

    /** Waits for every queued operation; a kernel fault is thrown here as a {@link CudaCallException}. */
    public void synchronize() {
        ctx.makeCurrent();
        ctx.synchronize(() -> "device-resident operations");
    }

    // ---- reductions -----------------------------------------------------------------------------------------------

    public void diffNorm(DeviceTensor a, DeviceTensor b, DeviceVector out) {
        reduction("diffNorm", a, b, out);
        ops.diffNorm(a.ptr(), b.ptr(), a.shape(), out.ptr());
    }

    public void mse(DeviceTensor pred, DeviceTensor target, DeviceVector out) {
        run(KernelOp.MSE, new DeviceTensor[] {pred, target}, null, out);
    }

    public void pixelCosine(DeviceTensor u, DeviceTensor v, DeviceVector out) {
        reduction("pixelCosine", u, v, out);
        ops.pixelCosine(u.ptr(), v.ptr(), u.shape(), PixelPair.PLAIN, out.ptr());
    }

    /** The fused guidance alignment: reads eps_c and eps_u once, writes one float per sample. */
    public void guidanceAlignment(DeviceTensor epsC, DeviceTensor epsU, GuidanceVariant variant, DeviceVector out) {
        reduction("guidanceAlignment", epsC, epsU, out);
        DeviceTensor p = variant.first(epsC, epsU);
        ops.pixelCosine(p.ptr(), variant.second(epsC, epsU).ptr(), p.shape(), variant.pair(), out.ptr());
    }

    public void globalCosine(DeviceTensor u, DeviceTensor v, DeviceVector out) {
        reduction("globalCosine", u, v, out);
        ops.globalCosine(u.ptr(), v.ptr(), u.shape(), out.ptr());
    }

    // ---- elementwise ------------------------------------------------------------------------------------------

    public void cfg(DeviceTensor epsU, DeviceTensor epsC, DeviceVector scale, DeviceTensor out) {
        run(KernelOp.CFG, new DeviceTensor[] {epsU, epsC}, scale, out);
    }

    // ---- any op on the generic path ------------------------------------------------------------------------------

    /**
     * A per-sample op on the generic path ({@link KernelOp#generic()}): {@code inputs} in the op's formula order,
     * {@code params} its per-sample parameters packed parameter-major (parameter k of sample s at
     * {@code k * batch + s}; null when it takes none), one result per sample in {@code out}.
     */
    public void run(KernelOp op, DeviceTensor[] inputs, DeviceVector params, DeviceVector out) {
        Shape s = genericArgs(op, true, inputs, params);
        perSample(op.cliName(), "out", out, s);
        ops.generic(op, pointers(inputs), params == null ? null : params.ptr(), s, out.ptr());
    }

    /** An elementwise op on the generic path; {@code out} has the inputs' shape and may be one of them. */
    public void run(KernelOp op, DeviceTensor[] inputs, DeviceVector params, DeviceTensor out) {
        Shape s = genericArgs(op, false, inputs, params);
        sameShape(op.cliName(), "out", out, s);
        ops.generic(op, pointers(inputs), params == null ? null : params.ptr(), s, out.ptr());
    }

    private Shape genericArgs(KernelOp op, boolean perSample, DeviceTensor[] inputs, DeviceVector params) {
        String name = op.cliName();
        if (!op.generic() || op.perSample() != perSample) {
            throw new IllegalArgumentException(name + " is not " + (perSample ? "a per-sample" : "an elementwise")
                    + " op on the generic path");
        }
        java.util.List<String> names = op.requiredInputs();
        if (inputs == null || inputs.length != names.size()) {
            throw new IllegalArgumentException(name + " takes " + names.size() + " inputs (" + op.inputList()
                    + "), got " + (inputs == null ? 0 : inputs.length));
        }
        if (inputs[0] == null) {
            throw new IllegalArgumentException(name + ": device tensor " + names.get(0) + " is null");
        }
        Shape s = inputs[0].shape();
        for (int i = 1; i < inputs.length; i++) {
            sameShape(name, names.get(i), inputs[i], s);
        }
        int count = op.perSampleParamOrder().size();
        if (count == 0 ? params != null : params == null || params.length() != count * s.batch()) {
            throw new IllegalArgumentException(name + " takes " + count + " per-sample parameters "
                    + op.perSampleParamOrder() + " packed in one vector of " + count + " x " + s.batch()
                    + " values, got " + (params == null ? "none" : params.length()));
        }
        ctx.makeCurrent();
        return s;
    }

    private static CUdeviceptr[] pointers(DeviceTensor[] inputs) {
        CUdeviceptr[] p = new CUdeviceptr[inputs.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = inputs[i].ptr();
        }
        return p;
    }

    /**
     * The AMG update with per-sample coefficients from {@link #amgCoefficients}: {@code guide}, {@code dedup} (with
     * {@code epsN}) and {@code dissim} (with {@code g}); pass null for an absent term's tensor and coefficient.
     */
    public void amg(DeviceTensor epsU, DeviceTensor epsC, DeviceTensor epsN, DeviceTensor g, DeviceVector guide,
                    DeviceVector dedup, DeviceVector dissim, DeviceTensor out) {
        Shape s = epsU.shape();
        sameShape("amg", "eps_c", epsC, s);
        sameShape("amg", "out", out, s);
        perSample("amg", "guide", guide, s);
        if (epsN != null) {
            sameShape("amg", "eps_n", epsN, s);
            perSample("amg", "dedup", dedup, s);
        }
        if (g != null) {
            sameShape("amg", "g", g, s);
            perSample("amg", "dissim", dissim, s);
        }
        ctx.makeCurrent();
        ops.amg(epsU.ptr(), epsC.ptr(), epsN == null ? null : epsN.ptr(), g == null ? null : g.ptr(), guide.ptr(),
                epsN == null ? null : dedup.ptr(), g == null ? null : dissim.ptr(), s, out.ptr());
    }

    /**
     * The kernel's per-sample AMG coefficients, rounded to float exactly as {@code ScalarKernels} does:
     * {@code [0] guide = s0 - s1[b]}, {@code [1] dedup = s2[b]} (zeros when s2 is null),
     * {@code [2] dissim = c3[b] * sqrt(1 - abarT)} (zeros when c3 is null).
     */
    public static float[][] amgCoefficients(double s0, float[] s1, float[] s2, float[] c3, double abarT) {
        if (s1 == null) {
            throw new IllegalArgumentException("amg: s1 is null");
        }
        int batch = s1.length;
        if ((s2 != null && s2.length != batch) || (c3 != null && c3.length != batch)) {
            throw new IllegalArgumentException("amg: s1, s2 and c3 need one value per sample (" + batch + ")");
        }
        if (c3 != null) {
            // sqrt(1 - abar_t) is NaN above 1 and the term is meaningless at 0 or below (CheckedKernels' rule)
            abarInRange("amg", "abar_t", abarT, true);
        }
        float[][] k = new float[3][batch];
        double noise = Math.sqrt(1 - abarT);
        for (int b = 0; b < batch; b++) {
            k[0][b] = (float) (s0 - s1[b]);
            k[1][b] = s2 == null ? 0f : s2[b];
            k[2][b] = c3 == null ? 0f : (float) (c3[b] * noise);
        }
        return k;
    }

    /** {@code out = alpha*x + beta*y}, coefficients rounded to float (the DDIM step and every conversion). */
    public void linear(DeviceTensor x, DeviceTensor y, double alpha, double beta, DeviceTensor out) {
        sameShape("linear", "y", y, x.shape());
        sameShape("linear", "out", out, x.shape());
        ctx.makeCurrent();
        ops.linear(x.ptr(), y.ptr(), (float) alpha, (float) beta, x.shape().size(), out.ptr(), x.shape());
    }

    /** {@link dev.memscope.kernels.ScoreKernels#convert} on device tensors. */
    public void convert(Conversion conversion, DeviceTensor xt, DeviceTensor in, double abar, DeviceTensor out) {
        if (conversion == null) {
            throw new IllegalArgumentException("convert: conversion is null");
        }
        // the same ranges as CheckedKernels.convert: out of them the coefficients are NaN or infinite, and nothing
        // on this path checks the values the kernel writes
        abarInRange("convert " + conversion, "abar", abar, !conversion.needsNoise());
        double[] ab = conversion.coefficients(abar);
        linear(xt, in, ab[0], ab[1], out);
    }

    /** Device-to-device copy through the copy kernel: the bandwidth yardstick of the timings. */
    public void copy(DeviceTensor src, DeviceTensor dst) {
        sameShape("copy", "dst", dst, src.shape());
        ctx.makeCurrent();
        long total = src.shape().size();
        ops.copy(src.ptr(), dst.ptr(), total / 4);
        long rest = total % 4;
        if (rest > 0) {
            long offset = (total - rest) * Float.BYTES;
            check(cuMemcpyDtoDAsync(dst.ptr().withByteOffset(offset), src.ptr().withByteOffset(offset),
                    rest * Float.BYTES, ctx.stream), "cuMemcpyDtoDAsync of the copy's last " + rest + " floats");
        }
    }

    // ---- plumbing ---------------------------------------------------------------------------------------------

    private void track(AutoCloseable allocation) {
        if (allocations.size() >= 64) {
            allocations.removeIf(a -> a instanceof DeviceTensor t ? !t.isOpen() : !((DeviceVector) a).isOpen());
        }
        allocations.add(allocation);
    }

    private CUdeviceptr alloc(long bytes, String what) {
        CUdeviceptr p = new CUdeviceptr();
        check(cuMemAlloc(p, bytes), () -> "cuMemAlloc of " + bytes + " bytes for device " + what);
        return p;
    }

    private void reduction(String op, DeviceTensor a, DeviceTensor b, DeviceVector out) {
        sameShape(op, "second input", b, a.shape());
        perSample(op, "out", out, a.shape());
        ctx.makeCurrent();
    }

    private static void sameShape(String op, String name, DeviceTensor t, Shape expected) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": device tensor " + name + " is null");
        }
        sameShape(op, name, t.shape(), expected);
    }

    private static void sameShape(String op, String name, Shape actual, Shape expected) {
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException(op + ": shape mismatch: " + name + " is " + actual + " but "
                    + expected + " was expected");
        }
    }

    /** abar in (0, 1], or (0, 1) when {@code oneAllowed} is false, as {@code CheckedKernels} requires. */
    static void abarInRange(String op, String name, double abar, boolean oneAllowed) {
        if (!(abar > 0) || abar > 1 || (!oneAllowed && abar == 1)) {
            throw new IllegalArgumentException(op + ": " + name + " must be in (0, 1" + (oneAllowed ? "]" : ")")
                    + ", got " + abar);
        }
    }

    private static void perSample(String op, String name, DeviceVector v, Shape shape) {
        if (v == null) {
            throw new IllegalArgumentException(op + ": device vector " + name + " is null");
        }
        if (v.length() != shape.batch()) {
            throw new IllegalArgumentException(op + ": " + name + " has length " + v.length() + " but the batch "
                    + shape + " has " + shape.batch() + " samples");
        }
    }

    /** Frees every tensor and vector made here (the backend is closing). */
    void freeAll() {
        for (AutoCloseable a : allocations) {
            try {
                a.close();
            } catch (Exception e) {
                // closing device memory does not throw; nothing to report at shutdown
            }
        }
        allocations.clear();
    }
}
