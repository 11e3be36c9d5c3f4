package dev.memscope.kernels.cpu;

import dev.memscope.kernels.Gemm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on the Java Vector API: register-blocked micro-kernels, cache tiling over the shared
 * dimension, and the output columns split across worker threads.
 *
 * <p>{@code multiplyNT} (the lab's distances {@code X M^T}) is a block of dot products: both operands are read
 * along their contiguous rows, a 4 x 4 micro-kernel keeps 16 lane-wise accumulators, and each output is reduced
 * across lanes once per {@value #KC_NT}-long slice of the shared dimension so that the A slice stays in L2.
 * {@code multiplyNN} (the weighted sum {@code R M}) broadcasts an A element and streams a packed 64-column panel of
 * B ({@value #KC_NN} rows, copied contiguously so that the panel lives in L1 instead of thrashing one cache set
 * with the 64 KiB row stride of a {@code [K, 4*64*64]} matrix).
 *
 * <p>Determinism: every output element is accumulated in the same order whatever the thread count and whichever
 * micro-kernel tile it falls in (edge tiles recompute a clamped row and discard it rather than switching to a
 * different loop), so results are bit-identical between runs and between 1 and N threads.
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int KC_NT = 2048;
    private static final int KC_NN = 128;
    private static final int NC_NN = 1024;         // columns per packed block (a multiple of NR_NN * L)
    private static final int NR_NN = 4;            // vectors per packed panel row
    /** Below this many multiply-adds the thread hand-off costs more than it saves. */
    private static final long PARALLEL_MIN_FMA = 1L << 21;

    private final int threads;
    private final ExecutorService pool;

    /** One worker per available processor, or {@link CpuThreads#PROPERTY}'s count. */
    public VectorGemm() {
        this(CpuThreads.configured());
    }

    public VectorGemm(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("VectorGemm needs at least 1 thread, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "memscope-gemm");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "cpu";
    }

    public int threads() {
        return threads;
    }

    @Override
    public void multiplyNT(int m, int n, int k, float[] a, float[] b, float[] c) {
        GemmChecks.check("multiplyNT", m, n, k, a, (long) m * k, b, (long) n * k, c);
        java.util.Arrays.fill(c, 0, m * n, 0f);
        parallelColumns(m, n, k, 4, (from, to) -> ntColumns(m, n, k, a, b, c, from, to));
    }

    @Override
    public void multiplyNN(int m, int n, int k, float[] a, float[] b, float[] c) {
        GemmChecks.check("multiplyNN", m, n, k, a, (long) m * k, b, (long) k * n, c);
        java.util.Arrays.fill(c, 0, m * n, 0f);
        parallelColumns(m, n, k, NR_NN * L, (from, to) -> nnColumns(m, n, k, a, b, c, from, to));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private interface ColumnTask {
        void run(int from, int to);
    }

    /** Splits output columns [0, n) into one contiguous range per thread, aligned to {@code unit}. */
    private void parallelColumns(int m, int n, int k, int unit, ColumnTask task) {
        long work = (long) m * n * k;
        int units = (n + unit - 1) / unit;
        int parts = (int) Math.min(threads, units);
        if (pool == null || parts < 2 || work < PARALLEL_MIN_FMA) {
            task.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int from = Math.min(n, (int) ((long) units * p / parts) * unit);
            int to = Math.min(n, (int) ((long) units * (p + 1) / parts) * unit);
            if (p == parts - 1) {
                to = n;
            }
            int f = from;
            int t = to;
            futures.add(pool.submit(() -> task.run(f, t)));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("GEMM interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("GEMM worker failed: " + e.getCause(), e.getCause());
        }
    }

    // ---- NT: c[i][j] = dot(a row i, b row j) -------------------------------------------------------------------

    private static void ntColumns(int m, int n, int k, float[] a, float[] b, float[] c, int j0, int j1) {
        for (int p0 = 0; p0 < k; p0 += KC_NT) {
            int p1 = Math.min(k, p0 + KC_NT);
            for (int j = j0; j < j1; j += 4) {
                for (int i = 0; i < m; i += 4) {
                    nt4x4(m, n, k, a, b, c, i, j, j1, p0, p1);
                }
            }
        }
    }

    /**
     * 4 rows of A against 4 rows of B over the slice [p0, p1). Rows past the edge are clamped to the last valid
     * row (computed, then not stored), so an edge element follows the same arithmetic as an interior one.
     */
    private static void nt4x4(int m, int n, int k, float[] a, float[] b, float[] c,
                              int i, int j, int jEnd, int p0, int p1) {
        int a0 = i * k;
        int a1 = Math.min(i + 1, m - 1) * k;
        int a2 = Math.min(i + 2, m - 1) * k;
        int a3 = Math.min(i + 3, m - 1) * k;
        int b0 = j * k;
        int b1 = Math.min(j + 1, jEnd - 1) * k;
        int b2 = Math.min(j + 2, jEnd - 1) * k;
        int b3 = Math.min(j + 3, jEnd - 1) * k;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int pv = p0 + (p1 - p0) / L * L;
        for (int p = p0; p < pv; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector y3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            c03 = x.fma(y3, c03);
            x = FloatVector.fromArray(S, a, a1 + p);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            c13 = x.fma(y3, c13);
            x = FloatVector.fromArray(S, a, a2 + p);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            c23 = x.fma(y3, c23);
            x = FloatVector.fromArray(S, a, a3 + p);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            c33 = x.fma(y3, c33);
        }
        store(a, b, c, n, i, j, m, jEnd, a0, b0, b1, b2, b3, pv, p1, c00, c01, c02, c03);
        if (i + 1 < m) {
            store(a, b, c, n, i + 1, j, m, jEnd, a1, b0, b1, b2, b3, pv, p1, c10, c11, c12, c13);
        }
        if (i + 2 < m) {
            store(a, b, c, n, i + 2, j, m, jEnd, a2, b0, b1, b2, b3, pv, p1, c20, c21, c22, c23);
        }
        if (i + 3 < m) {
            store(a, b, c, n, i + 3, j, m, jEnd, a3, b0, b1, b2, b3, pv, p1, c30, c31, c32, c33);
        }
    }

    /** Adds one output row's four dot products (lane sums plus the scalar tail [pv, p1)) into C. */
    private static void store(float[] a, float[] b, float[] c, int n, int row, int j, int m, int jEnd, int ar,
                              int b0, int b1, int b2, int b3, int pv, int p1,
                              FloatVector v0, FloatVector v1, FloatVector v2, FloatVector v3) {
        int o = row * n + j;
        c[o] += dot(a, b, ar, b0, pv, p1, v0.reduceLanes(VectorOperators.ADD));
        if (j + 1 < jEnd) {
            c[o + 1] += dot(a, b, ar, b1, pv, p1, v1.reduceLanes(VectorOperators.ADD));
        }
        if (j + 2 < jEnd) {
            c[o + 2] += dot(a, b, ar, b2, pv, p1, v2.reduceLanes(VectorOperators.ADD));
        }
        if (j + 3 < jEnd) {
            c[o + 3] += dot(a, b, ar, b3, pv, p1, v3.reduceLanes(VectorOperators.ADD));
        }
    }

    private static float dot(float[] a, float[] b, int ar, int br, int pv, int p1, float s) {
        for (int p = pv; p < p1; p++) {
            s = Math.fma(a[ar + p], b[br + p], s);
        }
        return s;
    }

    // ---- NN: c[i][j] = sum_p a[i][p] * b[p][j] ------------------------------------------------------------------

    private static void nnColumns(int m, int n, int k, float[] a, float[] b, float[] c, int j0, int j1) {
        int w = NR_NN * L;
        float[] block = new float[KC_NN * NC_NN];
        float[] tile = new float[4 * w];
        float[] ap = packA(m, k, a);
        for (int jc = j0; jc < j1; jc += NC_NN) {
            int jcEnd = Math.min(j1, jc + NC_NN);
            for (int p0 = 0; p0 < k; p0 += KC_NN) {
                int p1 = Math.min(k, p0 + KC_NN);
                pack(n, b, block, jc, jcEnd, p0, p1, w);
                for (int j = jc, q = 0; j < jcEnd; j += w, q++) {
                    int cols = Math.min(w, jcEnd - j);
                    for (int i = 0; i < m; i += 4) {
                        nn4x4(m, n, k, ap, c, block, q * KC_NN * w, tile, i, j, cols, p0, p1);
                    }
                }
            }
        }
    }

    /**
     * Interleaves A by groups of 4 rows, {@code ap[(g * k + p) * 4 + r] = a[(4g + r) * k + p]} (rows past m
     * repeat row m - 1), so the micro-kernel reads its 4 broadcasts from one cache line instead of 4 rows whose
     * 8 KiB stride maps them all onto the same L1 sets.
     */
    private static float[] packA(int m, int k, float[] a) {
        int groups = (m + 3) / 4;
        float[] ap = new float[groups * k * 4];
        for (int g = 0; g < groups; g++) {
            for (int r = 0; r < 4; r++) {
                int row = Math.min(4 * g + r, m - 1) * k;
                int dst = g * k * 4 + r;
                for (int p = 0; p < k; p++) {
                    ap[dst + 4 * p] = a[row + p];
                }
            }
        }
        return ap;
    }

    /**
     * Copies rows [p0, p1) x columns [jc, jcEnd) of B into consecutive w-column panels (panel q at
     * {@code q * KC_NN * w}), the last one zero-padded. Rows are read in long contiguous runs so the hardware
     * prefetcher and the TLB keep up with the 64 KiB row stride.
     */
    private static void pack(int n, float[] b, float[] block, int jc, int jcEnd, int p0, int p1, int w) {
        for (int p = p0; p < p1; p++) {
            int src = p * n;
            for (int j = jc, q = 0; j < jcEnd; j += w, q++) {
                int cols = Math.min(w, jcEnd - j);
                int dst = q * KC_NN * w + (p - p0) * w;
                System.arraycopy(b, src + j, block, dst, cols);
                if (cols < w) {
                    java.util.Arrays.fill(block, dst + cols, dst + w, 0f);
                }
            }
        }
    }

    private static void nn4x4(int m, int n, int k, float[] ap, float[] c, float[] panel, int base, float[] tile,
                              int i, int j, int cols, int p0, int p1) {
        int ao = i * k;             // group i/4 starts at (i/4) * k * 4
        int w = NR_NN * L;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = p0; p < p1; p++) {
            int o = base + (p - p0) * w;
            int q = ao + 4 * p;
            FloatVector y0 = FloatVector.fromArray(S, panel, o);
            FloatVector y1 = FloatVector.fromArray(S, panel, o + L);
            FloatVector y2 = FloatVector.fromArray(S, panel, o + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, panel, o + 3 * L);
            FloatVector x = FloatVector.broadcast(S, ap[q]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            c03 = x.fma(y3, c03);
            x = FloatVector.broadcast(S, ap[q + 1]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            c13 = x.fma(y3, c13);
            x = FloatVector.broadcast(S, ap[q + 2]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            c23 = x.fma(y3, c23);
            x = FloatVector.broadcast(S, ap[q + 3]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            c33 = x.fma(y3, c33);
        }
        // Accumulators go through a small tile array, not through a call taking vectors: C2 boxes vector
        // arguments of calls it does not inline, which costs more than the kernel.
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c02.intoArray(tile, 2 * L);
        c03.intoArray(tile, 3 * L);
        c10.intoArray(tile, w);
        c11.intoArray(tile, w + L);
        c12.intoArray(tile, w + 2 * L);
        c13.intoArray(tile, w + 3 * L);
        c20.intoArray(tile, 2 * w);
        c21.intoArray(tile, 2 * w + L);
        c22.intoArray(tile, 2 * w + 2 * L);
        c23.intoArray(tile, 2 * w + 3 * L);
        c30.intoArray(tile, 3 * w);
        c31.intoArray(tile, 3 * w + L);
        c32.intoArray(tile, 3 * w + 2 * L);
        c33.intoArray(tile, 3 * w + 3 * L);
        for (int r = 0; r < 4 && i + r < m; r++) {
            addRow(c, (i + r) * n + j, cols, tile, r * w);
        }
    }

    private static void addRow(float[] c, int o, int cols, float[] tile, int t) {
        int q = 0;
        for (; q + L <= cols; q += L) {
            FloatVector.fromArray(S, c, o + q).add(FloatVector.fromArray(S, tile, t + q)).intoArray(c, o + q);
        }
        for (; q < cols; q++) {
            c[o + q] += tile[t + q];
        }
    }
}
