package dev.memscope.kernels.nd4j;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.CheckedKernels;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.OpArgs;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The float64 reference: every operation composed from ordinary ND4J operations, the way a user of ND4J would
 * write it, on inputs cast from float32 to float64. Results are rounded to float32 once, at the end.
 *
 * <p>It has two jobs. In the tests it is the oracle the scalar, cpu and cuda backends are compared with; it shares
 * no arithmetic code with them (only the argument checks and the {@code Conversion} coefficients of
 * {@link CheckedKernels}, which {@code DiffusionFormulaTest} checks on their own). In the JMH suite it is "the same
 * result composed from ND4J operations" that the fused CPU kernels are measured against, so it deliberately
 * materializes intermediates ({@code eps_c - eps_u}, products, per-pixel norms) as such a composition does.
 * The float32-to-float64 casts are part of that cost: they are what a caller holding float32 tensors pays.
 */
public final class Nd4jKernels extends CheckedKernels {

    /** Dimensions of one sample in a {@code [B, C, H, W]} array. */
    private static final int[] SAMPLE_DIMS = {1, 2, 3};
    private static final int CHANNEL_DIM = 1;
    /** Pixel dimensions of the {@code [B, H, W]} array a channel reduction leaves. */
    private static final int[] PIXEL_DIMS = {1, 2};

    public Nd4jKernels() {
        this(NonFinitePolicy.REJECT);
    }

    public Nd4jKernels(NonFinitePolicy policy) {
        super(policy);
    }

    @Override
    public String name() {
        return "nd4j";
    }

    /**
     * Runs ND4J's native operations on one thread. For the unit tests on a shared 2-core machine: OpenMP workers
     * spin while they wait, and under load that made the oracle 10x slower. The JMH suite does not call this, so
     * the ND4J composition is measured with its default threading.
     */
    public static void useOneThread() {
        Nd4j.getEnvironment().setMaxThreads(1);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    // ---- float64 results, for tests that compare with the oracle before any rounding ----------------------------

    /** {@code ||a_b - b_b||_2} per sample, in float64. No argument checks. */
    public double[] diffNorm64(TensorF32 a, TensorF32 b) {
        return perSample(diffNormF64(a, b), a);
    }

    public double[] mse64(TensorF32 pred, TensorF32 target) {
        return perSample(mseF64(pred, target), pred);
    }

    public double[] pixelCosine64(TensorF32 u, TensorF32 v) {
        return perSample(meanPixelCosine(f64(u), f64(v)), u);
    }

    public double[] guidanceAlignment64(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant) {
        return perSample(guidanceAlignmentF64(epsC, epsU, variant), epsC);
    }

    public double[] globalCosine64(TensorF32 u, TensorF32 v) {
        return perSample(globalCosineF64(u, v), u);
    }

    /** {@code eps_u + scale[b] * (eps_c - eps_u)}, flat in C order, in float64. */
    public double[] cfg64(TensorF32 epsU, TensorF32 epsC, float[] scale) {
        return cfgF64(epsU, epsC, scale).reshape(-1).toDoubleVector();
    }

    /** The AMG update in float64; {@code epsN} and {@code g} may be null as in {@code amg}. */
    public double[] amg64(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0,
                         float[] s1, float[] s2, float[] c3, double abarT) {
        return amgF64(epsU, epsC, epsN, g, s0, s1, s2, c3, abarT).reshape(-1).toDoubleVector();
    }

    // ---- the backend: the same float64 compositions, rounded to float32 once -------------------------------------

    @Override
    protected void diffNormImpl(TensorF32 a, TensorF32 b, float[] out) {
        store(diffNormF64(a, b), out);
    }

    @Override
    protected boolean runImpl(OpArgs a) {
        return switch (a.op()) {
            case MSE -> {
                store(mseF64(a.input(0), a.input(1)), a.perSampleOut());
                yield true;
            }
            case CFG -> store(cfgF64(a.input(0), a.input(1), a.param(0)), a.tensorOut());
            default -> throw notImplemented(a.op());
        };
    }

    @Override
    protected void pixelCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
        store(meanPixelCosine(f64(u), f64(v)), out);
    }

    @Override
    protected void guidanceAlignmentImpl(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant, float[] out) {
        store(guidanceAlignmentF64(epsC, epsU, variant), out);
    }

    @Override
    protected void globalCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
        store(globalCosineF64(u, v), out);
    }

    @Override
    protected boolean amgImpl(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0,
                              float[] s1, float[] s2, float[] c3, double abarT, TensorF32 out) {
        return store(amgF64(epsU, epsC, epsN, g, s0, s1, s2, c3, abarT), out);
    }

    @Override
    protected boolean linearImpl(TensorF32 x, TensorF32 y, double alpha, double beta, TensorF32 out) {
        return store(f64(x).mul(alpha).add(f64(y).mul(beta)), out);
    }

    // ---- the compositions ---------------------------------------------------------------------------------------

    private static INDArray diffNormF64(TensorF32 a, TensorF32 b) {
        return f64(a).sub(f64(b)).norm2(SAMPLE_DIMS);
    }

    private static INDArray mseF64(TensorF32 pred, TensorF32 target) {
        INDArray diff = f64(pred).sub(f64(target));
        return diff.mul(diff).mean(SAMPLE_DIMS);
    }

    private static INDArray guidanceAlignmentF64(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant) {
        INDArray c = f64(epsC);
        INDArray u = f64(epsU);
        return switch (variant) {
            case UNCOND_VS_GUIDANCE -> meanPixelCosine(u, c.sub(u));
            case COND_VS_UNCOND -> meanPixelCosine(c, u);
            case COND_VS_GUIDANCE -> meanPixelCosine(c, c.sub(u));
        };
    }

    /** Mean over H*W of the cosine between the C-vectors at each pixel, each norm clamped at COSINE_EPS. */
    private static INDArray meanPixelCosine(INDArray x, INDArray y) {
        INDArray dot = x.mul(y).sum(CHANNEL_DIM);
        INDArray nx = clampedNorm(x.mul(x).sum(CHANNEL_DIM));
        INDArray ny = clampedNorm(y.mul(y).sum(CHANNEL_DIM));
        return dot.div(nx.mul(ny)).mean(PIXEL_DIMS);
    }

    private static INDArray globalCosineF64(TensorF32 u, TensorF32 v) {
        INDArray x = f64(u);
        INDArray y = f64(v);
        INDArray dot = x.mul(y).sum(SAMPLE_DIMS);
        INDArray nx = clampedNorm(x.mul(x).sum(SAMPLE_DIMS));
        INDArray ny = clampedNorm(y.mul(y).sum(SAMPLE_DIMS));
        return dot.div(nx.mul(ny));
    }

    /**
     * {@code max(sqrt(sumOfSquares), COSINE_EPS)}. ND4J's scalar max may turn a NaN norm into the clamp, but a
     * non-finite input still reaches the cosine through the dot product (NaN * y and Inf * 0 are NaN, Inf / Inf
     * is NaN), so the reference never hides one.
     */
    private static INDArray clampedNorm(INDArray sumOfSquares) {
        return Transforms.max(Transforms.sqrt(sumOfSquares, false), COSINE_EPS, false);
    }

    private static INDArray cfgF64(TensorF32 epsU, TensorF32 epsC, float[] scale) {
        INDArray u = f64Rows(epsU);
        INDArray c = f64Rows(epsC);
        return u.add(c.sub(u).mulColumnVector(f64Column(scale)));
    }

    private static INDArray amgF64(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0,
                                   float[] s1, float[] s2, float[] c3, double abarT) {
        INDArray u = f64Rows(epsU);
        INDArray c = f64Rows(epsC);
        INDArray result = u.add(c.sub(u).mulColumnVector(f64Column(s1).rsub(s0)));
        if (epsN != null) {
            result = result.add(u.sub(f64Rows(epsN)).mulColumnVector(f64Column(s2)));
        }
        if (g != null) {
            INDArray dissim = f64Column(c3).mul(Math.sqrt(1 - abarT));
            result = result.add(f64Rows(g).mulColumnVector(dissim));
        }
        return result;
    }

    // ---- float32 <-> float64 ------------------------------------------------------------------------------------

    private static INDArray f64(TensorF32 t) {
        Shape s = t.shape();
        return Nd4j.create(t.data(), new long[] {s.batch(), s.channels(), s.height(), s.width()}, DataType.FLOAT)
                .castTo(DataType.DOUBLE);
    }

    /** The tensor as a {@code [B, C*H*W]} float64 matrix, for per-sample coefficients (mulColumnVector). */
    private static INDArray f64Rows(TensorF32 t) {
        Shape s = t.shape();
        return Nd4j.create(t.data(), new long[] {s.batch(), s.sampleSize()}, DataType.FLOAT).castTo(DataType.DOUBLE);
    }

    private static INDArray f64Column(float[] perSample) {
        return Nd4j.create(perSample, new long[] {perSample.length, 1}, DataType.FLOAT).castTo(DataType.DOUBLE);
    }

    private static double[] perSample(INDArray result, TensorF32 t) {
        return result.reshape(t.batch()).toDoubleVector();
    }

    /** Rounds a per-sample result to float32 into the caller's array. */
    private static void store(INDArray perSample, float[] out) {
        float[] r = perSample.castTo(DataType.FLOAT).reshape(out.length).toFloatVector();
        System.arraycopy(r, 0, out, 0, out.length);
    }

    /** Rounds an elementwise result to float32 into the caller's tensor; returns whether all of it is finite. */
    private static boolean store(INDArray result, TensorF32 out) {
        INDArray f = result.castTo(DataType.FLOAT).reshape(out.data().length);
        float[] r = f.toFloatVector();
        System.arraycopy(r, 0, out.data(), 0, r.length);
        return !f.isNaN().any() && !f.isInfinite().any();
    }
}
