package dev.memscope.kernels;

import java.util.List;

import dev.memscope.tensor.TensorF32;

/**
 * Argument checks shared by every backend: shapes, batch sizes, parameter ranges and non-finite values.
 * Backends implement the {@code *Impl} methods on already-validated arguments and never throw for NaN or
 * infinity: they let IEEE arithmetic carry it into the result, and this class then finds and names the input
 * element at fault. Every operation turns a non-finite input into a non-finite result, so checking the
 * (small) result is enough and the hot loops pay nothing for it.
 */
public abstract class CheckedKernels implements ScoreKernels {

    private final NonFinitePolicy policy;
    /** The operands of this backend's own generic-path methods (mse, cfg): filled per call, never reallocated. */
    private final OpArgs own = new OpArgs();

    protected CheckedKernels(NonFinitePolicy policy) {
        this.policy = policy;
    }

    public NonFinitePolicy nonFinitePolicy() {
        return policy;
    }

    // ---- reductions -------------------------------------------------------------------------------------------

    @Override
    public final void diffNorm(TensorF32 a, TensorF32 b, float[] out) {
        sameShape("diffNorm", "a", a, "b", b);
        perSample("diffNorm", "out", out, a);
        diffNormImpl(a, b, out);
        checkPerSample("diffNorm", out, "a", a, "b", b);
    }

    @Override
    public final void pixelCosine(TensorF32 u, TensorF32 v, float[] out) {
        sameShape("pixelCosine", "u", u, "v", v);
        perSample("pixelCosine", "out", out, u);
        pixelCosineImpl(u, v, out);
        checkPerSample("pixelCosine", out, "u", u, "v", v);
    }

    @Override
    public final void guidanceAlignment(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant, float[] out) {
        sameShape("guidanceAlignment", "eps_c", epsC, "eps_u", epsU);
        perSample("guidanceAlignment", "out", out, epsC);
        if (variant == null) {
            throw new IllegalArgumentException("guidanceAlignment: variant is null");
        }
        guidanceAlignmentImpl(epsC, epsU, variant, out);
        checkPerSample("guidanceAlignment", out, "eps_c", epsC, "eps_u", epsU);
    }

    @Override
    public final void globalCosine(TensorF32 u, TensorF32 v, float[] out) {
        sameShape("globalCosine", "u", u, "v", v);
        perSample("globalCosine", "out", out, u);
        globalCosineImpl(u, v, out);
        checkPerSample("globalCosine", out, "u", u, "v", v);
    }

    @Override
    public final void mse(TensorF32 pred, TensorF32 target, float[] out) {
        try {
            run(own.reset(KernelOp.MSE).input(pred).input(target).into(out));
        } finally {
            own.clear();
        }
    }

    // ---- elementwise ------------------------------------------------------------------------------------------

    @Override
    public final void cfg(TensorF32 epsU, TensorF32 epsC, float[] scale, TensorF32 out) {
        try {
            run(own.reset(KernelOp.CFG).input(epsU).input(epsC).param(scale).into(out));
        } finally {
            own.clear();
        }
    }

    // ---- the generic path: checks derived from the op's description -------------------------------------------

    @Override
    public final void run(OpArgs a) {
        if (a == null || a.op() == null) {
            throw new IllegalArgumentException("run: no op given (OpArgs.of(op))");
        }
        KernelOp op = a.op();
        String name = op.cliName();
        if (!op.generic()) {
            throw new IllegalArgumentException(name + " is not on the generic path: call its own method of"
                    + " ScoreKernels");
        }
        List<String> inputs = op.requiredInputs();
        if (a.inputCount() != inputs.size()) {
            throw new IllegalArgumentException(name + " takes " + inputs.size() + " inputs (" + op.inputList()
                    + "), got " + a.inputCount());
        }
        TensorF32 first = a.input(0);
        if (first == null) {
            throw new IllegalArgumentException(name + ": tensor " + inputs.get(0) + " is null");
        }
        for (int i = 1; i < inputs.size(); i++) {
            sameShape(name, inputs.get(0), first, inputs.get(i), a.input(i));
        }
        List<String> params = op.perSampleParamOrder();
        if (a.paramCount() != params.size()) {
            throw new IllegalArgumentException(name + " takes " + params.size() + " per-sample parameters "
                    + params + ", got " + a.paramCount());
        }
        for (int k = 0; k < params.size(); k++) {
            perSampleParam(name, params.get(k), a.param(k), first);
        }
        if (op.perSample()) {
            perSample(name, "out", a.perSampleOut(), first);
            runImpl(a);
            int bad = firstNonFinite(a.perSampleOut());
            if (bad >= 0 && policy != NonFinitePolicy.PROPAGATE) {
                throw blame(name, bad, null, named(a));    // names built only on this path: no allocation per call
            }
        } else {
            sameShape(name, inputs.get(0), first, "out", a.tensorOut());
            if (!runImpl(a)) {
                checkElementwise(name, false, a.tensorOut(), named(a));
            }
        }
    }

    /** (name, tensor) pairs of the inputs, for naming the one at fault. */
    private static Object[] named(OpArgs a) {
        List<String> names = a.op().requiredInputs();
        Object[] named = new Object[2 * names.size()];
        for (int i = 0; i < names.size(); i++) {
            named[2 * i] = names.get(i);
            named[2 * i + 1] = a.input(i);
        }
        return named;
    }

    @Override
    public final void amg(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g,
                          double s0, float[] s1, float[] s2, float[] c3, double abarT, TensorF32 out) {
        sameShape("amg", "eps_u", epsU, "eps_c", epsC);
        sameShape("amg", "eps_u", epsU, "out", out);
        finiteParam("amg", "s0", s0);
        perSampleParam("amg", "s1", s1, epsU);
        if (epsN != null) {
            sameShape("amg", "eps_u", epsU, "eps_n", epsN);
            perSampleParam("amg", "s2", s2, epsU);
        }
        if (g != null) {
            sameShape("amg", "eps_u", epsU, "g", g);
            perSampleParam("amg", "c3", c3, epsU);
            abarInRange("amg", "abar_t", abarT, true);
        }
        boolean finite = amgImpl(epsU, epsC, epsN, g, s0, s1, epsN == null ? null : s2, g == null ? null : c3,
                g == null ? 1.0 : abarT, out);
        checkElementwise("amg", finite, out, "eps_u", epsU, "eps_c", epsC, "eps_n", epsN, "g", g);
    }

    @Override
    public final void ddimStep(TensorF32 xt, TensorF32 eps, double abarT, double abarPrev, TensorF32 out) {
        sameShape("ddimStep", "x_t", xt, "eps", eps);
        sameShape("ddimStep", "x_t", xt, "out", out);
        abarInRange("ddimStep", "abar_t", abarT, false);
        abarInRange("ddimStep", "abar_prev", abarPrev, true);
        double sqrtT = Math.sqrt(abarT);
        double sqrtPrev = Math.sqrt(abarPrev);
        // x_prev = sqrt(abar_prev) * (x_t - sqrt(1-abar_t) eps) / sqrt(abar_t) + sqrt(1-abar_prev) eps
        double alpha = sqrtPrev / sqrtT;
        double beta = Math.sqrt(1 - abarPrev) - sqrtPrev * Math.sqrt(1 - abarT) / sqrtT;
        boolean finite = linearImpl(xt, eps, alpha, beta, out);
        checkElementwise("ddimStep", finite, out, "x_t", xt, "eps", eps);
    }

    @Override
    public final void convert(Conversion conversion, TensorF32 xt, TensorF32 in, double abar, TensorF32 out) {
        if (conversion == null) {
            throw new IllegalArgumentException("convert: conversion is null");
        }
        String op = "convert " + conversion;
        sameShape(op, "x_t", xt, "in", in);
        sameShape(op, "x_t", xt, "out", out);
        abarInRange(op, "abar", abar, !conversion.needsNoise());
        if (conversion.needsNoise() && !(abar < 1)) {
            throw new IllegalArgumentException(op + ": abar must be < 1, got " + abar);
        }
        double[] ab = conversion.coefficients(abar);
        boolean finite = linearImpl(xt, in, ab[0], ab[1], out);
        checkElementwise(op, finite, out, "x_t", xt, "in", in);
    }

    // ---- what a backend implements -----------------------------------------------------------------------------

    protected abstract void diffNormImpl(TensorF32 a, TensorF32 b, float[] out);

    protected abstract void pixelCosineImpl(TensorF32 u, TensorF32 v, float[] out);

    protected abstract void guidanceAlignmentImpl(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant, float[] out);

    protected abstract void globalCosineImpl(TensorF32 u, TensorF32 v, float[] out);

    /**
     * Runs an op on the generic path on checked operands: every input has the first one's shape, every per-sample
     * parameter is finite with one value per sample, the result has the right form. For an elementwise op returns
     * whether every element written is finite (a per-sample op's result is checked here; return true). A backend
     * switches on {@code a.op()} and throws {@link #notImplemented} for an op it does not know.
     */
    protected abstract boolean runImpl(OpArgs a);

    /** What a backend's {@link #runImpl} throws for a generic op it has no implementation of. */
    protected final UnsupportedOperationException notImplemented(KernelOp op) {
        return new UnsupportedOperationException("the " + name() + " backend has no implementation of "
                + op.cliName());
    }

    /**
     * Returns whether every element written is finite. {@code epsN}/{@code s2} and {@code g}/{@code c3} are
     * null together when the term is absent.
     */
    protected abstract boolean amgImpl(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0,
                                       float[] s1, float[] s2, float[] c3, double abarT, TensorF32 out);

    /**
     * {@code out = alpha * x + beta * y} elementwise, coefficients given in float64 (the DDIM step and every
     * conversion). Returns whether every element written is finite.
     */
    protected abstract boolean linearImpl(TensorF32 x, TensorF32 y, double alpha, double beta, TensorF32 out);

    // ---- checks ----------------------------------------------------------------------------------------------

    private static void sameShape(String op, String nameA, TensorF32 a, String nameB, TensorF32 b) {
        if (a == null) {
            throw new IllegalArgumentException(op + ": tensor " + nameA + " is null");
        }
        if (b == null) {
            throw new IllegalArgumentException(op + ": tensor " + nameB + " is null");
        }
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shape mismatch: " + nameA + " is " + a.shape() + " but "
                    + nameB + " is " + b.shape());
        }
    }

    private static void perSample(String op, String name, float[] out, TensorF32 t) {
        if (out == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
        if (out.length != t.batch()) {
            throw new IllegalArgumentException(op + ": " + name + " has length " + out.length
                    + " but the batch " + t.shape() + " has " + t.batch() + " samples");
        }
    }

    private static void perSampleParam(String op, String name, float[] p, TensorF32 t) {
        perSample(op, name, p, t);
        for (int i = 0; i < p.length; i++) {
            if (!Float.isFinite(p[i])) {
                throw new NonFiniteException(op + ": parameter " + name + "[" + i + "] is " + p[i]);
            }
        }
    }

    private static void finiteParam(String op, String name, double v) {
        if (!Double.isFinite(v)) {
            throw new NonFiniteException(op + ": parameter " + name + " is " + v);
        }
    }

    private static void abarInRange(String op, String name, double abar, boolean oneAllowed) {
        if (!(abar > 0) || abar > 1 || (!oneAllowed && abar == 1)) {
            throw new IllegalArgumentException(op + ": " + name + " must be in (0, 1" + (oneAllowed ? "]" : ")")
                    + ", got " + abar);
        }
    }

    private void checkPerSample(String op, float[] out, Object... namedInputs) {
        if (policy == NonFinitePolicy.PROPAGATE) {
            return;
        }
        int b = firstNonFinite(out);
        if (b >= 0) {
            throw blame(op, b, null, namedInputs);
        }
    }

    /** The first sample whose result is NaN or infinite, or -1. */
    private static int firstNonFinite(float[] out) {
        for (int b = 0; b < out.length; b++) {
            if (!Float.isFinite(out[b])) {
                return b;
            }
        }
        return -1;
    }

    private void checkElementwise(String op, boolean allFinite, TensorF32 out, Object... namedInputs) {
        if (allFinite || policy == NonFinitePolicy.PROPAGATE) {
            return;
        }
        float[] d = out.data();
        int n = out.shape().sampleSize();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw blame(op, i / n, out, namedInputs);
            }
        }
    }

    /**
     * Finds the first non-finite input element of sample {@code b}, or reports float32 overflow. An input that
     * shares its array with {@code out} has already been overwritten by the result, so the inputs the result did
     * not overwrite are searched first; a non-finite value found only in the overwritten one may be its own or the
     * result's, and the message says so.
     */
    private static NonFiniteException blame(String op, int b, TensorF32 out, Object... namedInputs) {
        for (boolean overwritten : new boolean[] {false, true}) {
            for (int k = 0; k < namedInputs.length; k += 2) {
                TensorF32 t = (TensorF32) namedInputs[k + 1];
                if (t == null || (out != null && t.data() == out.data()) != overwritten) {
                    continue;
                }
                float[] d = t.data();
                int from = t.offset(b);
                int to = from + t.shape().sampleSize();
                for (int i = from; i < to; i++) {
                    if (!Float.isFinite(d[i])) {
                        String what = "input tensor " + namedInputs[k] + " " + t.shape() + " holds " + d[i] + " at "
                                + t.shape().locate(i);
                        if (overwritten) {
                            what += ", but it is also the output, so this is either its own value or the result"
                                    + " overflowing float32 there";
                        }
                        return new NonFiniteException(op + ": " + what
                                + " (use --allow-nonfinite / NonFinitePolicy.PROPAGATE to let it through)");
                    }
                }
            }
        }
        return new NonFiniteException(op + ": the result for sample " + b
                + " overflows float32 although every input is finite");
    }
}
