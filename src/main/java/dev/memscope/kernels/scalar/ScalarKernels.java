package dev.memscope.kernels.scalar;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.PixelPair;
import dev.memscope.kernels.CheckedKernels;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.OpArgs;
import dev.memscope.tensor.TensorF32;

/**
 * The readable definition of every kernel: plain loops, one thread, float64 accumulation. It is the baseline
 * the vectorized and CUDA backends are measured against, and the easiest place to read what an operation means.
 */
public final class ScalarKernels extends CheckedKernels {

    public ScalarKernels() {
        this(NonFinitePolicy.REJECT);
    }

    public ScalarKernels(NonFinitePolicy policy) {
        super(policy);
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    protected void diffNormImpl(TensorF32 a, TensorF32 b, float[] out) {
        for (int s = 0; s < out.length; s++) {
            out[s] = (float) Math.sqrt(sumSquaredDiff(a, b, s));
        }
    }

    @Override
    protected boolean runImpl(OpArgs a) {
        return switch (a.op()) {
            case MSE -> runMse(a.input(0), a.input(1), a.perSampleOut());
            case CFG -> runCfg(a.input(0), a.input(1), a.param(0), a.tensorOut());
            default -> throw notImplemented(a.op());
        };
    }

    private static boolean runMse(TensorF32 pred, TensorF32 target, float[] out) {
        int n = pred.shape().sampleSize();
        for (int s = 0; s < out.length; s++) {
            out[s] = (float) (sumSquaredDiff(pred, target, s) / n);
        }
        return true;
    }

    private static double sumSquaredDiff(TensorF32 a, TensorF32 b, int s) {
        float[] x = a.data();
        float[] y = b.data();
        int from = a.offset(s);
        int to = from + a.shape().sampleSize();
        double sum = 0;
        for (int i = from; i < to; i++) {
            double d = (double) x[i] - y[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    protected void pixelCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
        meanPixelCosine(u, v, PixelPair.PLAIN, out);
    }

    @Override
    protected void guidanceAlignmentImpl(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant, float[] out) {
        meanPixelCosine(variant.first(epsC, epsU), variant.second(epsC, epsU), variant.pair(), out);
    }

    private static void meanPixelCosine(TensorF32 p, TensorF32 q, PixelPair mode, float[] out) {
        float[] pd = p.data();
        float[] qd = q.data();
        int channels = p.shape().channels();
        int pixels = p.shape().pixels();
        for (int s = 0; s < out.length; s++) {
            int base = p.offset(s);
            double sum = 0;
            for (int px = 0; px < pixels; px++) {
                double dot = 0;
                double xx = 0;
                double yy = 0;
                for (int c = 0; c < channels; c++) {
                    int i = base + c * pixels + px;
                    double x = pd[i];
                    double y = switch (mode) {
                        case PLAIN -> qd[i];
                        case Q_MINUS_P -> (double) qd[i] - pd[i];
                        case P_MINUS_Q -> (double) pd[i] - qd[i];
                    };
                    dot += x * y;
                    xx += x * x;
                    yy += y * y;
                }
                sum += cosine(dot, xx, yy);
            }
            out[s] = (float) (sum / pixels);
        }
    }

    static double cosine(double dot, double xx, double yy) {
        return dot / (Math.max(Math.sqrt(xx), COSINE_EPS) * Math.max(Math.sqrt(yy), COSINE_EPS));
    }

    @Override
    protected void globalCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
        float[] x = u.data();
        float[] y = v.data();
        int n = u.shape().sampleSize();
        for (int s = 0; s < out.length; s++) {
            double dot = 0;
            double xx = 0;
            double yy = 0;
            for (int i = u.offset(s), end = i + n; i < end; i++) {
                dot += (double) x[i] * y[i];
                xx += (double) x[i] * x[i];
                yy += (double) y[i] * y[i];
            }
            out[s] = (float) cosine(dot, xx, yy);
        }
    }

    private static boolean runCfg(TensorF32 epsU, TensorF32 epsC, float[] scale, TensorF32 out) {
        float[] u = epsU.data();
        float[] c = epsC.data();
        float[] o = out.data();
        int n = epsU.shape().sampleSize();
        boolean finite = true;
        for (int s = 0; s < scale.length; s++) {
            float k = scale[s];
            for (int i = s * n, end = i + n; i < end; i++) {
                float r = u[i] + k * (c[i] - u[i]);
                o[i] = r;
                finite &= Float.isFinite(r);
            }
        }
        return finite;
    }

    @Override
    protected boolean amgImpl(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0,
                              float[] s1, float[] s2, float[] c3, double abarT, TensorF32 out) {
        float[] u = epsU.data();
        float[] c = epsC.data();
        float[] nd = epsN == null ? null : epsN.data();
        float[] gd = g == null ? null : g.data();
        float[] o = out.data();
        int n = epsU.shape().sampleSize();
        double noise = Math.sqrt(1 - abarT);
        boolean finite = true;
        for (int s = 0; s < s1.length; s++) {
            float guide = (float) (s0 - s1[s]);
            float dedup = nd == null ? 0f : s2[s];
            float dissim = gd == null ? 0f : (float) (c3[s] * noise);
            for (int i = s * n, end = i + n; i < end; i++) {
                float r = u[i] + guide * (c[i] - u[i]);
                if (nd != null) {
                    r += dedup * (u[i] - nd[i]);
                }
                if (gd != null) {
                    r += dissim * gd[i];
                }
                o[i] = r;
                finite &= Float.isFinite(r);
            }
        }
        return finite;
    }

    @Override
    protected boolean linearImpl(TensorF32 x, TensorF32 y, double alpha, double beta, TensorF32 out) {
        float[] xd = x.data();
        float[] yd = y.data();
        float[] o = out.data();
        float a = (float) alpha;
        float b = (float) beta;
        boolean finite = true;
        for (int i = 0; i < o.length; i++) {
            float r = a * xd[i] + b * yd[i];
            o[i] = r;
            finite &= Float.isFinite(r);
        }
        return finite;
    }
}
