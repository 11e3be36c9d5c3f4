package dev.memscope.kernels;

import dev.memscope.kernels.scalar.ScalarKernels;
import dev.memscope.tensor.TensorF32;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The property checks of {@link KernelPropertyTest} run against deliberately broken backends, each with a bug a
 * vectorized or multi-threaded kernel could plausibly have, and must fail on every one of them. Without this a
 * too-loose tolerance or a generator that never reaches the awkward cases would pass silently.
 */
class PropertyChecksCatchBugsTest {

    /** The scalar backend with one operation replaced by a broken version. */
    private abstract static class Mutant extends CheckedKernels {
        final ScalarKernels ok = new ScalarKernels(NonFinitePolicy.PROPAGATE);

        Mutant() {
            super(NonFinitePolicy.REJECT);
        }

        @Override
        public String name() {
            return "mutant-" + getClass().getSimpleName();
        }

        @Override
        protected void diffNormImpl(TensorF32 a, TensorF32 b, float[] out) {
            ok.diffNorm(a, b, out);
        }

        @Override
        protected void pixelCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
            ok.pixelCosine(u, v, out);
        }

        @Override
        protected void guidanceAlignmentImpl(TensorF32 c, TensorF32 u, GuidanceVariant a, float[] out) {
            ok.guidanceAlignment(c, u, a, out);
        }

        @Override
        protected void globalCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
            ok.globalCosine(u, v, out);
        }

        @Override
        protected boolean runImpl(OpArgs a) {
            ok.run(a);
            return true;
        }

        @Override
        protected boolean amgImpl(TensorF32 u, TensorF32 c, TensorF32 n, TensorF32 g, double s0, float[] s1,
                                  float[] s2, float[] c3, double abarT, TensorF32 out) {
            ok.amg(u, c, n, g, s0, s1, s2, c3, abarT, out);
            return true;
        }

        @Override
        protected boolean linearImpl(TensorF32 x, TensorF32 y, double alpha, double beta, TensorF32 out) {
            float[] xd = x.data();
            float[] yd = y.data();
            float[] o = out.data();
            for (int i = 0; i < o.length; i++) {
                o[i] = (float) (alpha * xd[i] + beta * yd[i]);
            }
            return true;
        }
    }

    /** Sums squares in float32, as a naive vector loop with float lanes does. */
    static final class FloatAccumulation extends Mutant {
        private boolean scaleDown;

        /** Sums (d * 2^-64)^2 instead, so that 1e18-sized samples do not overflow: only precision is lost. */
        FloatAccumulation belowOverflow() {
            scaleDown = true;
            return this;
        }

        @Override
        protected void diffNormImpl(TensorF32 a, TensorF32 b, float[] out) {
            float k = scaleDown ? 0x1p-64f : 1f;
            int n = a.shape().sampleSize();
            for (int s = 0; s < out.length; s++) {
                float sum = 0;
                for (int i = s * n; i < (s + 1) * n; i++) {
                    float d = (a.data()[i] - b.data()[i]) * k;
                    sum += d * d;
                }
                out[s] = (float) (Math.sqrt(sum) / k);
            }
        }
    }

    /** Forgets the last pixel when H*W is not a multiple of 8 lanes (a missing tail loop). */
    static final class DroppedTail extends Mutant {
        @Override
        protected void pixelCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
            int c = u.shape().channels();
            int p = u.shape().pixels();
            for (int s = 0; s < out.length; s++) {
                double sum = 0;
                int end = p % 8 == 0 ? p : p - 1;
                for (int px = 0; px < end; px++) {
                    double dot = 0;
                    double xx = 0;
                    double yy = 0;
                    for (int ch = 0; ch < c; ch++) {
                        int i = u.offset(s) + ch * p + px;
                        dot += (double) u.data()[i] * v.data()[i];
                        xx += (double) u.data()[i] * u.data()[i];
                        yy += (double) v.data()[i] * v.data()[i];
                    }
                    sum += dot / (Math.max(Math.sqrt(xx), COSINE_EPS) * Math.max(Math.sqrt(yy), COSINE_EPS));
                }
                out[s] = (float) (sum / p);
            }
        }
    }

    /** Uses the first sample's scale for the last sample (an off-by-one in a thread's batch range). */
    static final class WrongSampleScale extends Mutant {
        @Override
        protected boolean runImpl(OpArgs a) {
            if (a.op() != KernelOp.CFG) {
                return super.runImpl(a);
            }
            float[] s = a.param(0);
            float[] shifted = s.clone();
            shifted[s.length - 1] = s[0];
            ok.cfg(a.input(0), a.input(1), shifted, a.tensorOut());
            return true;
        }
    }

    /** Computes cos(eps_u, eps_c - eps_u) for every variant (a variant switch that falls through). */
    static final class OneVariantForAll extends Mutant {
        @Override
        protected void guidanceAlignmentImpl(TensorF32 c, TensorF32 u, GuidanceVariant a, float[] out) {
            ok.guidanceAlignment(c, u, GuidanceVariant.UNCOND_VS_GUIDANCE, out);
        }
    }

    /** Drops the g term of the AMG update when eps_n is absent (a branch on the wrong optional). */
    static final class AmgForgetsG extends Mutant {
        @Override
        protected boolean amgImpl(TensorF32 u, TensorF32 c, TensorF32 n, TensorF32 g, double s0, float[] s1,
                                  float[] s2, float[] c3, double abarT, TensorF32 out) {
            ok.amg(u, c, n, n == null ? null : g, s0, s1, s2, n == null ? null : c3, abarT, out);
            return true;
        }
    }

    /** Applies alpha to the second operand and beta to the first (swapped arguments). */
    static final class LinearSwapped extends Mutant {
        @Override
        protected boolean linearImpl(TensorF32 x, TensorF32 y, double alpha, double beta, TensorF32 out) {
            return super.linearImpl(y, x, alpha, beta, out);
        }
    }

    @Test
    void floatAccumulationFailsTheNormCheck() {
        // at 1e18 the float32 sum of squares overflows (the shared checks report it); below that it is too coarse
        assertThatThrownBy(() -> KernelPropertyTest.checkDiffNorm(new FloatAccumulation()))
                .isInstanceOfAny(AssertionError.class, NonFiniteException.class);
        assertThatThrownBy(() -> KernelPropertyTest.checkDiffNorm(new FloatAccumulation().belowOverflow()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("worst at sample");
    }

    @Test
    void aDroppedTailFailsThePixelCosineCheck() {
        assertThatThrownBy(() -> KernelPropertyTest.checkPixelCosine(new DroppedTail()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("cosine");
    }

    @Test
    void aWrongPerSampleScaleFailsTheCfgCheck() {
        assertThatThrownBy(() -> KernelPropertyTest.checkCfg(new WrongSampleScale()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("element (c=");
    }

    @Test
    void aMissingVariantFailsTheAlignmentCheck() {
        assertThatThrownBy(() -> KernelPropertyTest.checkGuidanceAlignment(new OneVariantForAll()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("COND_VS_");
    }

    @Test
    void aForgottenAmgTermFailsTheAmgCheck() {
        assertThatThrownBy(() -> KernelPropertyTest.checkAmg(new AmgForgetsG()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("+g");
    }

    @Test
    void swappedOperandsFailTheDdimAndConversionChecks() {
        assertThatThrownBy(() -> KernelPropertyTest.checkDdimStep(new LinearSwapped()))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> KernelPropertyTest.checkConversions(new LinearSwapped()))
                .isInstanceOf(AssertionError.class);
    }
}
