package dev.memscope.kernels.cpu;

import dev.memscope.kernels.Alignment;
import dev.memscope.kernels.CheckedKernels;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.scalar.ScalarKernels;
import dev.memscope.tensor.TensorF32;

/** WORK IN PROGRESS: the Vector API backend is being written; until then it delegates to the scalar loops. */
public final class VectorKernels extends CheckedKernels {
    private final ScalarKernels scalar;

    public VectorKernels(NonFinitePolicy policy) {
        super(policy);
        scalar = new ScalarKernels(NonFinitePolicy.PROPAGATE);
    }

    @Override public String name() { return "cpu"; }
    @Override protected void diffNormImpl(TensorF32 a, TensorF32 b, float[] out) { scalar.diffNorm(a, b, out); }
    @Override protected void pixelCosineImpl(TensorF32 u, TensorF32 v, float[] out) { scalar.pixelCosine(u, v, out); }
    @Override protected void guidanceAlignmentImpl(TensorF32 c, TensorF32 u, Alignment a, float[] out) { scalar.guidanceAlignment(c, u, a, out); }
    @Override protected void globalCosineImpl(TensorF32 u, TensorF32 v, float[] out) { scalar.globalCosine(u, v, out); }
    @Override protected void mseImpl(TensorF32 p, TensorF32 t, float[] out) { scalar.mse(p, t, out); }
    @Override protected boolean cfgImpl(TensorF32 u, TensorF32 c, float[] s, TensorF32 out) { scalar.cfg(u, c, s, out); return false; }
    @Override protected boolean amgImpl(TensorF32 u, TensorF32 c, TensorF32 n, TensorF32 g, double s0, float[] s1, float[] s2, float[] c3, double a, TensorF32 out) { scalar.amg(u, c, n, g, s0, s1, s2, c3, a, out); return false; }
    @Override protected boolean linearImpl(TensorF32 x, TensorF32 y, double al, double be, TensorF32 out) {
        float[] xd = x.data(), yd = y.data(), o = out.data();
        for (int i = 0; i < o.length; i++) { o[i] = (float) al * xd[i] + (float) be * yd[i]; }
        return false;
    }
}
