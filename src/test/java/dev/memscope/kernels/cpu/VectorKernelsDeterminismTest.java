package dev.memscope.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend combines per-chunk partial sums in chunk order, so a result must not depend on how many
 * threads ran the chunks or in which order they finished. Bit equality is the right check here: the same
 * arithmetic in the same order on the same machine.
 */
class VectorKernelsDeterminismTest {

    // Large enough to take the multi-threaded path and several chunks per sample.
    private static final Shape SHAPE = new Shape(9, 4, 96, 96);

    @Test
    void reductionsAreBitIdenticalForOneAndFourThreads() {
        TensorF32 x = TensorF32.gaussian(SHAPE, 11);
        TensorF32 y = TensorF32.gaussian(SHAPE, 12);
        try (VectorKernels one = new VectorKernels(NonFinitePolicy.REJECT, 1);
             VectorKernels four = new VectorKernels(NonFinitePolicy.REJECT, 4)) {
            assertThat(SHAPE.size()).isGreaterThan(VectorKernels.INLINE_LIMIT);
            assertSame(one, four, (k, out) -> k.diffNorm(x, y, out));
            assertSame(one, four, (k, out) -> k.mse(x, y, out));
            assertSame(one, four, (k, out) -> k.globalCosine(x, y, out));
            assertSame(one, four, (k, out) -> k.pixelCosine(x, y, out));
            for (GuidanceVariant a : GuidanceVariant.values()) {
                assertSame(one, four, (k, out) -> k.guidanceAlignment(x, y, a, out));
            }
        }
    }

    @Test
    void repeatedCallsOnOneInstanceGiveTheSameBits() {
        TensorF32 x = TensorF32.gaussian(SHAPE, 21);
        TensorF32 y = TensorF32.gaussian(SHAPE, 22);
        try (VectorKernels k = new VectorKernels()) {
            float[] first = new float[SHAPE.batch()];
            float[] again = new float[SHAPE.batch()];
            k.guidanceAlignment(x, y, first);
            for (int i = 0; i < 20; i++) {
                k.guidanceAlignment(x, y, again);
                assertThat(again).containsExactly(first);
            }
        }
    }

    @Test
    void elementwiseOpsSplitAcrossThreadsMatchSingleThread() {
        TensorF32 u = TensorF32.gaussian(SHAPE, 31);
        TensorF32 c = TensorF32.gaussian(SHAPE, 32);
        float[] scale = new float[SHAPE.batch()];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = 1.5f + i;
        }
        TensorF32 a = TensorF32.zeros(SHAPE);
        TensorF32 b = TensorF32.zeros(SHAPE);
        try (VectorKernels one = new VectorKernels(NonFinitePolicy.REJECT, 1);
             VectorKernels four = new VectorKernels(NonFinitePolicy.REJECT, 4)) {
            one.cfg(u, c, scale, a);
            four.cfg(u, c, scale, b);
            assertThat(b.data()).containsExactly(a.data());
        }
    }

    private static void assertSame(ScoreKernels one, ScoreKernels four, BiConsumer<ScoreKernels, float[]> op) {
        float[] a = new float[SHAPE.batch()];
        float[] b = new float[SHAPE.batch()];
        op.accept(one, a);
        op.accept(four, b);
        assertThat(b).containsExactly(a);
        for (float v : a) {
            assertThat(Float.isFinite(v)).isTrue();
        }
    }
}
