package dev.memscope.kernels.cpu;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.kernels.CheckedKernels;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.OpArgs;
import dev.memscope.kernels.PixelPair;
import dev.memscope.tensor.TensorF32;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU backend: Java Vector API loops, split into fixed-size chunks that run on all cores.
 *
 * <p>Precision: each chunk accumulates in float32 vector lanes over short blocks ({@value #BLOCK} elements)
 * and moves each block's total into a float64 sum, which keeps the float32 rounding error near one ulp of
 * the result while the hot loop stays float32-wide. A block whose float32 total is out of the safe range
 * (squares that underflow for magnitudes near 1e-20, overflow near 1e19, NaN, infinity) is recomputed in
 * float64, so extreme inputs cost time, never accuracy, and non-finite inputs still reach the result for
 * {@link CheckedKernels} to report.
 *
 * <p>Determinism: chunk boundaries depend only on the shape, partial results are combined in chunk order,
 * so results are bit-identical whatever the thread count or scheduling.
 *
 * <p>No allocation per call in steady state: each op's arguments live in its own holder (created once, filled by
 * the entry point, read by the chunk bodies, cleared after the call), chunk bodies are created once, the
 * partial-sum buffer only grows.
 */
public final class VectorKernels extends CheckedKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    /** Elements per float32 accumulation block; a multiple of 4 * L for every species. */
    static final int BLOCK = 1024;
    /** Pixels per float32 accumulation block of the per-pixel cosine. */
    static final int PIXEL_BLOCK = 256;
    /** Elements (or pixels, for per-pixel ops) per chunk of parallel work. */
    static final int CHUNK = 16384;
    static final int PIXEL_CHUNK = 4096;
    /** Below this many elements a call runs on the caller's thread: waking workers costs more. */
    static final int INLINE_LIMIT = 1 << 17;

    /** Smallest float32 block total trusted: below it, squares may have lost bits to gradual underflow. */
    private static final float TINY_SUM = 0x1p-90f;
    /**
     * Per-pixel squared norms must stay below 2^60 for the float32 path, so that the product of the two clamped
     * squared norms cannot overflow. The check is on the block's sum of squared norms (two adds per pixel vector;
     * lane-wise min/max cost three times the whole loop): a sum below the bound bounds every term, and NaN or
     * infinity fails it. A block that fails is recomputed in float64. Tiny norms need no check: below 1e-8 the
     * clamp replaces them, and a dot product that underflows contributes at most ~1e-29 to a cosine.
     */
    private static final float HUGE_SQ = 0x1p60f;
    private static final float COS_EPS_SQ = (float) (COSINE_EPS * COSINE_EPS);

    /** res * 0 + flag is NaN exactly when res is not finite: a one-instruction finiteness check. */
    private static final FloatVector ZERO = FloatVector.zero(F);

    private static final int PLAIN = 0;
    private static final int Q_MINUS_P = 1;
    private static final int P_MINUS_Q = 2;

    private final ParallelRunner runner;

    /** diffNorm, mse, globalCosine: two tensors read element by element. */
    private static final class PairArgs {
        float[] x;
        float[] y;
    }

    /** pixelCosine, guidanceAlignment: cos(p, y) per pixel, y formed from q by {@code pair} (PLAIN, ...). */
    private static final class PixelCosineArgs {
        float[] p;
        float[] q;
        int pair;
    }

    private static final class CfgArgs {
        float[] epsU;
        float[] epsC;
        float[] scale;
        float[] out;
    }

    /** epsN and g are null when their term is absent (s2, c3 unused then). */
    private static final class AmgArgs {
        float[] epsU;
        float[] epsC;
        float[] epsN;
        float[] g;
        float s0;
        float[] s1;
        float[] s2;
        float[] c3;
        /** sqrt(1 - abar_t), rounded to float once per call as every backend does. */
        float noiseScale;
        float[] out;
    }

    /** out = alpha x + beta y: ddimStep and the conversions. */
    private static final class LinearArgs {
        float[] x;
        float[] y;
        float alpha;
        float beta;
        float[] out;
    }

    // Arguments of the op in flight: set by the entry points, read by the chunk bodies, cleared after each call
    // so the backend does not keep a caller's tensors alive.
    private final PairArgs pair = new PairArgs();
    private final PixelCosineArgs pixelCos = new PixelCosineArgs();
    private final CfgArgs cfg = new CfgArgs();
    private final AmgArgs amg = new AmgArgs();
    private final LinearArgs linear = new LinearArgs();

    // How the op in flight is split into chunks (set by dispatch).
    private int sampleSize;
    private int pixels;
    private int channels;
    private int chunkLen;
    private int chunksPerSample;
    private double[] partials = new double[64];

    private final ParallelRunner.ChunkBody sumSquaredBody = this::sumSquaredChunk;
    private final ParallelRunner.ChunkBody pixelCosineBody = this::pixelCosineChunk;
    private final ParallelRunner.ChunkBody globalCosineBody = this::globalCosineChunk;
    private final ParallelRunner.ChunkBody cfgBody = this::cfgChunk;
    private final ParallelRunner.ChunkBody amgBody = this::amgChunk;
    private final ParallelRunner.ChunkBody linearBody = this::linearChunk;

    public VectorKernels() {
        this(NonFinitePolicy.REJECT);
    }

    public VectorKernels(NonFinitePolicy policy) {
        this(policy, CpuThreads.configured());
    }

    public VectorKernels(NonFinitePolicy policy, int threads) {
        super(policy);
        runner = new ParallelRunner(threads);
    }

    @Override
    public String name() {
        return "cpu";
    }

    /** Vector lanes of float32 this JVM uses (16 with AVX-512, 8 with AVX2). */
    public static int lanes() {
        return L;
    }

    public int threads() {
        return runner.threads();
    }

    @Override
    public void close() {
        runner.close();
    }

    // ---- dispatch ---------------------------------------------------------------------------------------------

    /** Splits each sample's {@code perSample} items into chunks of {@code chunk}, then runs them all. */
    private void dispatch(TensorF32 t, int perSample, int chunk, int slotsPerChunk, ParallelRunner.ChunkBody body) {
        sampleSize = t.shape().sampleSize();
        pixels = t.shape().pixels();
        channels = t.shape().channels();
        chunkLen = chunk;
        chunksPerSample = (perSample + chunk - 1) / chunk;
        int n = chunksPerSample * t.batch();
        if (partials.length < n * slotsPerChunk) {
            partials = new double[Math.max(n * slotsPerChunk, 2 * partials.length)];
        }
        if (t.shape().size() < INLINE_LIMIT) {
            for (int i = 0; i < n; i++) {
                body.run(i);
            }
        } else {
            runner.run(n, body);
        }
    }

    /** First flat element of a chunk of a per-element op. */
    private int chunkStart(int chunk) {
        return chunk / chunksPerSample * sampleSize + (chunk % chunksPerSample) * chunkLen;
    }

    /** End (exclusive) of the chunk starting at {@code start}: a chunk never crosses a sample boundary. */
    private int chunkEnd(int chunk, int start) {
        return Math.min(start + chunkLen, (chunk / chunksPerSample + 1) * sampleSize);
    }

    /** Sum over the chunks of sample {@code s} of slot {@code slot}, in chunk order. */
    private double sampleTotal(int s, int slots, int slot) {
        double t = 0;
        for (int c = s * chunksPerSample, end = c + chunksPerSample; c < end; c++) {
            t += partials[c * slots + slot];
        }
        return t;
    }

    private boolean allChunksFinite(int batch) {
        double flag = 0;
        for (int c = 0, n = batch * chunksPerSample; c < n; c++) {
            flag += partials[c];
        }
        return flag == 0;
    }

    private void release() {
        pair.x = pair.y = null;
        pixelCos.p = pixelCos.q = null;
        cfg.epsU = cfg.epsC = cfg.scale = cfg.out = null;
        amg.epsU = amg.epsC = amg.epsN = amg.g = amg.s1 = amg.s2 = amg.c3 = amg.out = null;
        linear.x = linear.y = linear.out = null;
    }

    // ---- sum of squared differences: diffNorm, mse ------------------------------------------------------------

    @Override
    protected void diffNormImpl(TensorF32 a, TensorF32 b, float[] out) {
        pair.x = a.data();
        pair.y = b.data();
        dispatch(a, a.shape().sampleSize(), CHUNK, 1, sumSquaredBody);
        for (int s = 0; s < out.length; s++) {
            out[s] = (float) Math.sqrt(sampleTotal(s, 1, 0));
        }
        release();
    }

    @Override
    protected boolean runImpl(OpArgs a) {
        return switch (a.op()) {
            case MSE -> runMse(a.input(0), a.input(1), a.perSampleOut());
            case CFG -> runCfg(a.input(0), a.input(1), a.param(0), a.tensorOut());
            default -> throw notImplemented(a.op());
        };
    }

    private boolean runMse(TensorF32 pred, TensorF32 target, float[] out) {
        pair.x = pred.data();
        pair.y = target.data();
        int n = pred.shape().sampleSize();
        dispatch(pred, n, CHUNK, 1, sumSquaredBody);
        for (int s = 0; s < out.length; s++) {
            out[s] = (float) (sampleTotal(s, 1, 0) / n);
        }
        release();
        return true;
    }

    private void sumSquaredChunk(int chunk) {
        int from = chunkStart(chunk);
        int to = chunkEnd(chunk, from);
        partials[chunk] = sumSquaredDiff(pair.x, pair.y, from, to);
    }

    static double sumSquaredDiff(float[] x, float[] y, int from, int to) {
        double total = 0;
        int vecEnd = from + (to - from) / L * L;
        for (int i = from; i < vecEnd; ) {
            int end = Math.min(i + BLOCK, vecEnd);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            int j = i;
            for (; j + 4 * L <= end; j += 4 * L) {
                FloatVector d0 = FloatVector.fromArray(F, x, j).sub(FloatVector.fromArray(F, y, j));
                FloatVector d1 = FloatVector.fromArray(F, x, j + L).sub(FloatVector.fromArray(F, y, j + L));
                FloatVector d2 = FloatVector.fromArray(F, x, j + 2 * L).sub(FloatVector.fromArray(F, y, j + 2 * L));
                FloatVector d3 = FloatVector.fromArray(F, x, j + 3 * L).sub(FloatVector.fromArray(F, y, j + 3 * L));
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
            }
            for (; j < end; j += L) {
                FloatVector d = FloatVector.fromArray(F, x, j).sub(FloatVector.fromArray(F, y, j));
                a0 = d.fma(d, a0);
            }
            float block = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
            total += block >= TINY_SUM && block <= Float.MAX_VALUE ? block : sumSquaredDiffExact(x, y, i, end);
            i = end;
        }
        return total + sumSquaredDiffExact(x, y, vecEnd, to);
    }

    private static double sumSquaredDiffExact(float[] x, float[] y, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            double d = (double) x[i] - y[i];
            sum += d * d;
        }
        return sum;
    }

    // ---- per-pixel cosine: pixelCosine, guidanceAlignment -------------------------------------------------------

    @Override
    protected void pixelCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
        meanPixelCosine(u, v, PLAIN, out);
    }

    @Override
    protected void guidanceAlignmentImpl(TensorF32 epsC, TensorF32 epsU, GuidanceVariant variant, float[] out) {
        meanPixelCosine(variant.first(epsC, epsU), variant.second(epsC, epsU), code(variant.pair()), out);
    }

    /** The int form of a pair mode: the inner loops test it per vector, where an int compare is cheapest. */
    private static int code(PixelPair pair) {
        return switch (pair) {
            case PLAIN -> PLAIN;
            case Q_MINUS_P -> Q_MINUS_P;
            case P_MINUS_Q -> P_MINUS_Q;
        };
    }

    /** Mean over pixels of cos(P, Y) where Y is Q, Q - P or P - Q by {@code how}. */
    private void meanPixelCosine(TensorF32 first, TensorF32 second, int how, float[] out) {
        pixelCos.p = first.data();
        pixelCos.q = second.data();
        pixelCos.pair = how;
        dispatch(first, first.shape().pixels(), PIXEL_CHUNK, 1, pixelCosineBody);
        int n = first.shape().pixels();
        for (int s = 0; s < out.length; s++) {
            out[s] = (float) (sampleTotal(s, 1, 0) / n);
        }
        release();
    }

    private void pixelCosineChunk(int chunk) {
        int s = chunk / chunksPerSample;
        int from = (chunk % chunksPerSample) * chunkLen;
        int to = Math.min(from + chunkLen, pixels);
        float[] p = pixelCos.p;
        float[] q = pixelCos.q;
        // a constant per call site, so the JIT specializes each copy of the loop for one pair mode
        partials[chunk] = switch (pixelCos.pair) {
            case PLAIN -> pixelCosineSum(p, q, s * sampleSize, pixels, channels, from, to, PLAIN);
            case Q_MINUS_P -> pixelCosineSum(p, q, s * sampleSize, pixels, channels, from, to, Q_MINUS_P);
            default -> pixelCosineSum(p, q, s * sampleSize, pixels, channels, from, to, P_MINUS_Q);
        };
    }

    /**
     * Sum over pixels [from, to) of one sample (starting at {@code base}) of the clamped cosine. Two pixel
     * vectors are in flight per iteration: one alone is latency-bound (channel FMAs, square root, division).
     */
    private static double pixelCosineSum(float[] p, float[] q, int base, int pixels, int channels,
                                         int from, int to, int how) {
        if (channels == 4) {
            return pixelCosineSum4(p, q, base, pixels, from, to, how);
        }
        double total = 0;
        int vecEnd = from + (to - from) / L * L;
        for (int i = from; i < vecEnd; ) {
            int end = Math.min(i + PIXEL_BLOCK, vecEnd);
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector mag = FloatVector.zero(F);
            int px = i;
            for (; px + 2 * L <= end; px += 2 * L) {
                FloatVector dot0 = FloatVector.zero(F);
                FloatVector xx0 = FloatVector.zero(F);
                FloatVector yy0 = FloatVector.zero(F);
                FloatVector dot1 = FloatVector.zero(F);
                FloatVector xx1 = FloatVector.zero(F);
                FloatVector yy1 = FloatVector.zero(F);
                for (int c = 0, off = base + px; c < channels; c++, off += pixels) {
                    FloatVector a0 = FloatVector.fromArray(F, p, off);
                    FloatVector b0 = FloatVector.fromArray(F, q, off);
                    FloatVector a1 = FloatVector.fromArray(F, p, off + L);
                    FloatVector b1 = FloatVector.fromArray(F, q, off + L);
                    FloatVector y0 = how == PLAIN ? b0 : how == Q_MINUS_P ? b0.sub(a0) : a0.sub(b0);
                    FloatVector y1 = how == PLAIN ? b1 : how == Q_MINUS_P ? b1.sub(a1) : a1.sub(b1);
                    dot0 = a0.fma(y0, dot0);
                    xx0 = a0.fma(a0, xx0);
                    yy0 = y0.fma(y0, yy0);
                    dot1 = a1.fma(y1, dot1);
                    xx1 = a1.fma(a1, xx1);
                    yy1 = y1.fma(y1, yy1);
                }
                mag = mag.add(xx0.add(yy0)).add(xx1.add(yy1));
                acc0 = acc0.add(dot0.div(clampedNorms(xx0, yy0)));
                acc1 = acc1.add(dot1.div(clampedNorms(xx1, yy1)));
            }
            for (; px < end; px += L) {
                FloatVector dot = FloatVector.zero(F);
                FloatVector xx = FloatVector.zero(F);
                FloatVector yy = FloatVector.zero(F);
                for (int c = 0, off = base + px; c < channels; c++, off += pixels) {
                    FloatVector a = FloatVector.fromArray(F, p, off);
                    FloatVector b = FloatVector.fromArray(F, q, off);
                    FloatVector y = how == PLAIN ? b : how == Q_MINUS_P ? b.sub(a) : a.sub(b);
                    dot = a.fma(y, dot);
                    xx = a.fma(a, xx);
                    yy = y.fma(y, yy);
                }
                mag = mag.add(xx.add(yy));
                acc0 = acc0.add(dot.div(clampedNorms(xx, yy)));
            }
            total += mag.reduceLanes(VectorOperators.ADD) <= HUGE_SQ
                    ? acc0.add(acc1).reduceLanes(VectorOperators.ADD)
                    : pixelCosineExact(p, q, base, pixels, channels, i, end, how);
            i = end;
        }
        return total + pixelCosineExact(p, q, base, pixels, channels, vecEnd, to, how);
    }

    /**
     * The same sum for four channels (Stable Diffusion's latent), unrolled: with the channel loop gone the
     * JIT keeps all eight loads and the three dot products of a pixel vector in registers.
     */
    private static double pixelCosineSum4(float[] p, float[] q, int base, int pixels, int from, int to, int how) {
        double total = 0;
        int vecEnd = from + (to - from) / L * L;
        int c1 = pixels;
        int c2 = 2 * pixels;
        int c3 = 3 * pixels;
        for (int i = from; i < vecEnd; ) {
            int end = Math.min(i + PIXEL_BLOCK, vecEnd);
            FloatVector acc = FloatVector.zero(F);
            FloatVector mag = FloatVector.zero(F);
            for (int px = base + i, stop = base + end; px < stop; px += L) {
                FloatVector a0 = FloatVector.fromArray(F, p, px);
                FloatVector a1 = FloatVector.fromArray(F, p, px + c1);
                FloatVector a2 = FloatVector.fromArray(F, p, px + c2);
                FloatVector a3 = FloatVector.fromArray(F, p, px + c3);
                FloatVector b0 = FloatVector.fromArray(F, q, px);
                FloatVector b1 = FloatVector.fromArray(F, q, px + c1);
                FloatVector b2 = FloatVector.fromArray(F, q, px + c2);
                FloatVector b3 = FloatVector.fromArray(F, q, px + c3);
                FloatVector y0 = how == PLAIN ? b0 : how == Q_MINUS_P ? b0.sub(a0) : a0.sub(b0);
                FloatVector y1 = how == PLAIN ? b1 : how == Q_MINUS_P ? b1.sub(a1) : a1.sub(b1);
                FloatVector y2 = how == PLAIN ? b2 : how == Q_MINUS_P ? b2.sub(a2) : a2.sub(b2);
                FloatVector y3 = how == PLAIN ? b3 : how == Q_MINUS_P ? b3.sub(a3) : a3.sub(b3);
                FloatVector dot = a3.fma(y3, a2.fma(y2, a1.fma(y1, a0.mul(y0))));
                FloatVector xx = a3.fma(a3, a2.fma(a2, a1.fma(a1, a0.mul(a0))));
                FloatVector yy = y3.fma(y3, y2.fma(y2, y1.fma(y1, y0.mul(y0))));
                mag = mag.add(xx.add(yy));
                acc = acc.add(dot.div(clampedNorms(xx, yy)));
            }
            total += mag.reduceLanes(VectorOperators.ADD) <= HUGE_SQ
                    ? acc.reduceLanes(VectorOperators.ADD)
                    : pixelCosineExact(p, q, base, pixels, 4, i, end, how);
            i = end;
        }
        return total + pixelCosineExact(p, q, base, pixels, 4, vecEnd, to, how);
    }

    /**
     * {@code max(|x|, eps) * max(|y|, eps)} from squared norms, as one square root; in the safe range the
     * product cannot leave float32's normal range.
     */
    private static FloatVector clampedNorms(FloatVector xx, FloatVector yy) {
        return xx.max(COS_EPS_SQ).mul(yy.max(COS_EPS_SQ)).sqrt();
    }

    private static double pixelCosineExact(float[] p, float[] q, int base, int pixels, int channels,
                                           int from, int to, int how) {
        double total = 0;
        for (int px = from; px < to; px++) {
            double dot = 0;
            double xx = 0;
            double yy = 0;
            for (int c = 0, i = base + px; c < channels; c++, i += pixels) {
                double a = p[i];
                double b = q[i];
                double y = how == PLAIN ? b : how == Q_MINUS_P ? b - a : a - b;
                dot += a * y;
                xx += a * a;
                yy += y * y;
            }
            total += dot / (Math.max(Math.sqrt(xx), COSINE_EPS) * Math.max(Math.sqrt(yy), COSINE_EPS));
        }
        return total;
    }

    // ---- global cosine -----------------------------------------------------------------------------------------

    @Override
    protected void globalCosineImpl(TensorF32 u, TensorF32 v, float[] out) {
        pair.x = u.data();
        pair.y = v.data();
        dispatch(u, u.shape().sampleSize(), CHUNK, 3, globalCosineBody);
        for (int s = 0; s < out.length; s++) {
            double dot = sampleTotal(s, 3, 0);
            double xx = sampleTotal(s, 3, 1);
            double yy = sampleTotal(s, 3, 2);
            out[s] = (float) (dot / (Math.max(Math.sqrt(xx), COSINE_EPS) * Math.max(Math.sqrt(yy), COSINE_EPS)));
        }
        release();
    }

    private void globalCosineChunk(int chunk) {
        float[] p = pair.x;
        float[] q = pair.y;
        int from = chunkStart(chunk);
        int to = chunkEnd(chunk, from);
        double dot = 0;
        double xx = 0;
        double yy = 0;
        int vecEnd = from + (to - from) / L * L;
        for (int i = from; i < vecEnd; ) {
            int end = Math.min(i + BLOCK, vecEnd);
            FloatVector d0 = FloatVector.zero(F);
            FloatVector d1 = FloatVector.zero(F);
            FloatVector x0 = FloatVector.zero(F);
            FloatVector x1 = FloatVector.zero(F);
            FloatVector y0 = FloatVector.zero(F);
            FloatVector y1 = FloatVector.zero(F);
            int j = i;
            for (; j + 2 * L <= end; j += 2 * L) {
                FloatVector a = FloatVector.fromArray(F, p, j);
                FloatVector b = FloatVector.fromArray(F, q, j);
                FloatVector a2 = FloatVector.fromArray(F, p, j + L);
                FloatVector b2 = FloatVector.fromArray(F, q, j + L);
                d0 = a.fma(b, d0);
                x0 = a.fma(a, x0);
                y0 = b.fma(b, y0);
                d1 = a2.fma(b2, d1);
                x1 = a2.fma(a2, x1);
                y1 = b2.fma(b2, y1);
            }
            for (; j < end; j += L) {
                FloatVector a = FloatVector.fromArray(F, p, j);
                FloatVector b = FloatVector.fromArray(F, q, j);
                d0 = a.fma(b, d0);
                x0 = a.fma(a, x0);
                y0 = b.fma(b, y0);
            }
            float bd = d0.add(d1).reduceLanes(VectorOperators.ADD);
            float bx = x0.add(x1).reduceLanes(VectorOperators.ADD);
            float by = y0.add(y1).reduceLanes(VectorOperators.ADD);
            if (bx >= TINY_SUM && bx <= Float.MAX_VALUE && by >= TINY_SUM && by <= Float.MAX_VALUE
                    && Math.abs(bd) <= Float.MAX_VALUE) {
                dot += bd;
                xx += bx;
                yy += by;
            } else {
                for (int k = i; k < end; k++) {
                    double a = p[k];
                    double b = q[k];
                    dot += a * b;
                    xx += a * a;
                    yy += b * b;
                }
            }
            i = end;
        }
        for (int k = vecEnd; k < to; k++) {
            double a = p[k];
            double b = q[k];
            dot += a * b;
            xx += a * a;
            yy += b * b;
        }
        partials[3 * chunk] = dot;
        partials[3 * chunk + 1] = xx;
        partials[3 * chunk + 2] = yy;
    }

    // ---- elementwise: cfg, amg, linear (ddimStep, conversions) -------------------------------------------------

    private boolean runCfg(TensorF32 epsU, TensorF32 epsC, float[] scale, TensorF32 out) {
        cfg.epsU = epsU.data();
        cfg.epsC = epsC.data();
        cfg.scale = scale;
        cfg.out = out.data();
        dispatch(epsU, epsU.shape().sampleSize(), CHUNK, 1, cfgBody);
        boolean finite = allChunksFinite(epsU.batch());
        release();
        return finite;
    }

    private void cfgChunk(int chunk) {
        float[] p = cfg.epsU;
        float[] q = cfg.epsC;
        float[] o = cfg.out;
        int from = chunkStart(chunk);
        int to = chunkEnd(chunk, from);
        float k = cfg.scale[chunk / chunksPerSample];
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector flag = FloatVector.zero(F);
        int vecEnd = from + (to - from) / L * L;
        int i = from;
        for (; i < vecEnd; i += L) {
            FloatVector u = FloatVector.fromArray(F, p, i);
            FloatVector c = FloatVector.fromArray(F, q, i);
            FloatVector res = c.sub(u).fma(kv, u);
            res.intoArray(o, i);
            flag = res.fma(ZERO, flag);
        }
        float f = flag.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            float res = Math.fma(q[i] - p[i], k, p[i]);
            o[i] = res;
            f += res * 0f;
        }
        partials[chunk] = f == 0 ? 0 : 1;
    }

    @Override
    protected boolean amgImpl(TensorF32 epsU, TensorF32 epsC, TensorF32 epsN, TensorF32 g, double s0,
                              float[] s1, float[] s2, float[] c3, double abarT, TensorF32 out) {
        amg.epsU = epsU.data();
        amg.epsC = epsC.data();
        amg.epsN = epsN == null ? null : epsN.data();
        amg.g = g == null ? null : g.data();
        amg.s0 = (float) s0;
        amg.s1 = s1;
        amg.s2 = s2;
        amg.c3 = c3;
        amg.noiseScale = (float) Math.sqrt(1 - abarT);
        amg.out = out.data();
        dispatch(epsU, epsU.shape().sampleSize(), CHUNK, 1, amgBody);
        boolean finite = allChunksFinite(epsU.batch());
        release();
        return finite;
    }

    private void amgChunk(int chunk) {
        float[] p = amg.epsU;
        float[] q = amg.epsC;
        float[] r = amg.epsN;
        float[] gArr = amg.g;
        float[] o = amg.out;
        int from = chunkStart(chunk);
        int to = chunkEnd(chunk, from);
        int s = chunk / chunksPerSample;
        float guide = amg.s0 - amg.s1[s];
        float dedup = r == null ? 0f : amg.s2[s];
        float dissim = gArr == null ? 0f : amg.c3[s] * amg.noiseScale;
        FloatVector gv = FloatVector.broadcast(F, guide);
        FloatVector dv = FloatVector.broadcast(F, dedup);
        FloatVector sv = FloatVector.broadcast(F, dissim);
        FloatVector flag = FloatVector.zero(F);
        int vecEnd = from + (to - from) / L * L;
        int i = from;
        for (; i < vecEnd; i += L) {
            FloatVector u = FloatVector.fromArray(F, p, i);
            FloatVector res = FloatVector.fromArray(F, q, i).sub(u).fma(gv, u);
            if (r != null) {
                res = u.sub(FloatVector.fromArray(F, r, i)).fma(dv, res);
            }
            if (gArr != null) {
                res = FloatVector.fromArray(F, gArr, i).fma(sv, res);
            }
            res.intoArray(o, i);
            flag = res.fma(ZERO, flag);
        }
        float f = flag.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            float res = Math.fma(q[i] - p[i], guide, p[i]);
            if (r != null) {
                res = Math.fma(p[i] - r[i], dedup, res);
            }
            if (gArr != null) {
                res = Math.fma(gArr[i], dissim, res);
            }
            o[i] = res;
            f += res * 0f;
        }
        partials[chunk] = f == 0 ? 0 : 1;
    }

    @Override
    protected boolean linearImpl(TensorF32 x, TensorF32 y, double alpha, double beta, TensorF32 out) {
        linear.x = x.data();
        linear.y = y.data();
        linear.alpha = (float) alpha;
        linear.beta = (float) beta;
        linear.out = out.data();
        dispatch(x, x.shape().sampleSize(), CHUNK, 1, linearBody);
        boolean finite = allChunksFinite(x.batch());
        release();
        return finite;
    }

    private void linearChunk(int chunk) {
        float[] p = linear.x;
        float[] q = linear.y;
        float[] o = linear.out;
        float alpha = linear.alpha;
        float beta = linear.beta;
        int from = chunkStart(chunk);
        int to = chunkEnd(chunk, from);
        FloatVector av = FloatVector.broadcast(F, alpha);
        FloatVector bv = FloatVector.broadcast(F, beta);
        FloatVector flag = FloatVector.zero(F);
        int vecEnd = from + (to - from) / L * L;
        int i = from;
        for (; i < vecEnd; i += L) {
            FloatVector res = FloatVector.fromArray(F, q, i).mul(bv).add(FloatVector.fromArray(F, p, i).mul(av));
            res.intoArray(o, i);
            flag = res.fma(ZERO, flag);
        }
        float f = flag.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            float res = q[i] * beta + p[i] * alpha;
            o[i] = res;
            f += res * 0f;
        }
        partials[chunk] = f == 0 ? 0 : 1;
    }
}
