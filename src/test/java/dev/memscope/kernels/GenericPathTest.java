package dev.memscope.kernels;

import dev.memscope.kernels.scalar.ScalarKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generic entry point {@link ScoreKernels#run(OpArgs)} on its own (the typed {@code mse}/{@code cfg} methods go
 * through it and are covered by the golden and bad-input suites): its argument checks come from the op's
 * {@link KernelOp} description, so a wrong call is refused naming the op and what it takes, and a typed call and
 * the equivalent generic call give the same result.
 */
class GenericPathTest {

    private static final Shape SHAPE = new Shape(3, 2, 4, 5);

    @Test
    void theGenericOpsAreExactlyThoseWithRequiredInputsAndPerSampleParameters() {
        assertThat(KernelOp.generics()).containsExactly(KernelOp.CFG, KernelOp.MSE);
        for (KernelOp op : KernelOp.generics()) {
            assertThat(op.optionalInputs()).as(op.cliName()).isEmpty();
            assertThat(op.perSampleParamOrder()).as(op.cliName()).containsExactlyInAnyOrderElementsOf(op.paramNames());
        }
    }

    @Test
    void aGenericCallGivesTheTypedResult() {
        TensorF32 a = TensorF32.gaussian(SHAPE, 1);
        TensorF32 b = TensorF32.gaussian(SHAPE, 2);
        float[] scale = {7.5f, 1f, -2f};
        try (ScoreKernels k = new ScalarKernels()) {
            float[] typed = new float[3];
            float[] generic = new float[3];
            k.mse(a, b, typed);
            k.run(OpArgs.of(KernelOp.MSE).input(a).input(b).into(generic));
            assertThat(generic).containsExactly(typed);

            TensorF32 typedOut = TensorF32.zeros(SHAPE);
            TensorF32 genericOut = TensorF32.zeros(SHAPE);
            k.cfg(a, b, scale, typedOut);
            k.run(OpArgs.of(KernelOp.CFG).input(a).input(b).param(scale).into(genericOut));
            assertThat(genericOut.data()).containsExactly(typedOut.data());
        }
    }

    @Test
    void wrongCallsAreRefusedNamingTheOpAndWhatItTakes() {
        TensorF32 a = TensorF32.gaussian(SHAPE, 1);
        float[] out = new float[3];
        try (ScoreKernels k = new ScalarKernels()) {
            assertThatThrownBy(() -> k.run(OpArgs.of(KernelOp.DIFF_NORM).input(a).input(a).into(out)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("diffNorm is not on the generic path: call its own method of ScoreKernels");
            assertThatThrownBy(() -> k.run(OpArgs.of(KernelOp.MSE).input(a).into(out)))
                    .hasMessage("mse takes 2 inputs (pred, target), got 1");
            assertThatThrownBy(() -> k.run(OpArgs.of(KernelOp.CFG).input(a).input(a).into(TensorF32.zeros(SHAPE))))
                    .hasMessage("cfg takes 1 per-sample parameters [scale], got 0");
            TensorF32 wider = TensorF32.zeros(new Shape(3, 2, 4, 6));
            assertThatThrownBy(() -> k.run(OpArgs.of(KernelOp.MSE).input(a).input(wider).into(out)))
                    .hasMessageContaining("mse: shape mismatch: pred is");
            assertThatThrownBy(() -> k.run(OpArgs.of(KernelOp.MSE).input(a).input(a).into(new float[2])))
                    .hasMessageContaining("mse: out has length 2 but the batch");
            float[] nan = {1, Float.NaN, 1};
            assertThatThrownBy(() -> k.run(OpArgs.of(KernelOp.CFG).input(a).input(a).param(nan)
                    .into(TensorF32.zeros(SHAPE))))
                    .isInstanceOf(NonFiniteException.class).hasMessage("cfg: parameter scale[1] is NaN");
            assertThatThrownBy(() -> k.run(new OpArgs()))
                    .hasMessageContaining("no op given");
        }
    }

    @Test
    void aNonFiniteInputIsNamedByItsFormulaName() {
        TensorF32 a = TensorF32.gaussian(SHAPE, 1);
        TensorF32 b = TensorF32.gaussian(SHAPE, 2);
        b.data()[SHAPE.sampleSize() + 3] = Float.POSITIVE_INFINITY;
        try (ScoreKernels k = new ScalarKernels()) {
            assertThatThrownBy(() -> k.run(OpArgs.of(KernelOp.MSE).input(a).input(b).into(new float[3])))
                    .isInstanceOf(NonFiniteException.class)
                    .hasMessageStartingWith("mse: input tensor target [3, 2, 4, 5] holds Infinity");
        }
    }

    @Test
    void anArgumentListHoldsAtMostFourInputsAndParameters() {
        TensorF32 a = TensorF32.zeros(SHAPE);
        OpArgs args = OpArgs.of(KernelOp.MSE).input(a).input(a).input(a).input(a);
        assertThatThrownBy(() -> args.input(a)).hasMessage("mse: more than 4 inputs");
        OpArgs params = OpArgs.of(KernelOp.CFG);
        for (int i = 0; i < OpArgs.MAX_PARAMS; i++) {
            params.param(new float[3]);
        }
        assertThatThrownBy(() -> params.param(new float[3])).hasMessage("cfg: more than 4 per-sample parameters");
        args.clear();
        assertThat(args.op()).isNull();
        assertThat(args.inputCount()).isZero();
    }
}
