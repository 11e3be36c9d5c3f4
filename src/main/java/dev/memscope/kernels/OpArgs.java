package dev.memscope.kernels;

import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;

/**
 * The operands of one call of an op on the generic path ({@link KernelOp#generic()}, {@link ScoreKernels#run}):
 * its input tensors in the op's formula order, its per-sample parameters in declaration order, and where the
 * result goes ({@code float[B]} for a per-sample op, a tensor of the input shape for an elementwise one).
 *
 * <p>Mutable and reusable: {@link CheckedKernels}' own methods ({@code mse}, {@code cfg}) fill one held instance,
 * so a call allocates nothing; {@link #clear()} drops the caller's arrays after the call so they are not kept
 * alive. Not thread-safe, like the backends.
 */
public final class OpArgs {
    /** The most inputs (tensors) and per-sample parameters an op on the generic path takes. */
    public static final int MAX_INPUTS = 4;
    public static final int MAX_PARAMS = 4;

    private KernelOp op;
    private final TensorF32[] inputs = new TensorF32[MAX_INPUTS];
    private int inputCount;
    private final float[][] params = new float[MAX_PARAMS][];
    private int paramCount;
    private float[] perSampleOut;
    private TensorF32 tensorOut;

    /** A fresh argument list for {@code op}. */
    public static OpArgs of(KernelOp op) {
        return new OpArgs().reset(op);
    }

    /** Empties this list and starts one for {@code op}. */
    public OpArgs reset(KernelOp op) {
        clear();
        if (op == null) {
            throw new IllegalArgumentException("op is null");
        }
        this.op = op;
        return this;
    }

    /** The next input tensor, in the op's formula order ({@link KernelOp#requiredInputs()}). */
    public OpArgs input(TensorF32 t) {
        if (inputCount == MAX_INPUTS) {
            throw new IllegalArgumentException(name() + ": more than " + MAX_INPUTS + " inputs");
        }
        inputs[inputCount++] = t;
        return this;
    }

    /** The next per-sample parameter ({@code float[B]}), in the op's declaration order. */
    public OpArgs param(float[] perSample) {
        if (paramCount == MAX_PARAMS) {
            throw new IllegalArgumentException(name() + ": more than " + MAX_PARAMS + " per-sample parameters");
        }
        params[paramCount++] = perSample;
        return this;
    }

    /** The result of a per-sample op: one value per sample. */
    public OpArgs into(float[] out) {
        perSampleOut = out;
        tensorOut = null;
        return this;
    }

    /** The result of an elementwise op: a tensor of the input shape (it may be one of the inputs). */
    public OpArgs into(TensorF32 out) {
        tensorOut = out;
        perSampleOut = null;
        return this;
    }

    /** Drops every reference (the op too). */
    public void clear() {
        op = null;
        java.util.Arrays.fill(inputs, null);
        java.util.Arrays.fill(params, null);
        inputCount = 0;
        paramCount = 0;
        perSampleOut = null;
        tensorOut = null;
    }

    public KernelOp op() {
        return op;
    }

    public int inputCount() {
        return inputCount;
    }

    public TensorF32 input(int i) {
        return inputs[i];
    }

    public int paramCount() {
        return paramCount;
    }

    public float[] param(int i) {
        return params[i];
    }

    /** The per-sample result, or null for an elementwise call. */
    public float[] perSampleOut() {
        return perSampleOut;
    }

    /** The elementwise result, or null for a per-sample call. */
    public TensorF32 tensorOut() {
        return tensorOut;
    }

    /** The shape of the first input (every input has it once {@link CheckedKernels} has checked the call). */
    public Shape shape() {
        return inputs[0].shape();
    }

    private String name() {
        return op == null ? "op" : op.cliName();
    }
}
