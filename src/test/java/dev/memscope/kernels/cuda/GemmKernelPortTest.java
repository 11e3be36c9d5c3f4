package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * The tiled, split-K GEMM of kernels/gemm.cuh ported to Java block by block and thread by thread (float FMAs in
 * the kernel's order, the shared-memory loads' zero masks, the K-slice bounds, the fixed-order sum of the
 * planes), run on the plan {@link CudaOps#sgemm} launches through a fake device. Every C element must be written
 * exactly once per slice, and the result must match a double-precision product within
 * {@link CudaTolerances#gemmTolerance} (the oracle: the textbook sum over k in double).
 */
class GemmKernelPortTest {

    private static final int TILE = GemmPlan.TILE;
    private static final int DEPTH = GemmPlan.DEPTH;

    /** sgemm_tiles on grid (tilesX, tilesY, splits) into {@code out} (splits planes of m x n), counting writes. */
    static void tiles(boolean nt, int m, int n, int k, int kSlice, float[] a, float[] b, float[] out, int[] writes,
                      int tilesX, int tilesY, int splits) {
        int rowTiles = (m + TILE - 1) / TILE;
        for (int bz = 0; bz < splits; bz++) {
            int kb = bz * kSlice;
            int ke = Math.min(k, kb + kSlice);
            long plane = (long) bz * m * n;
            for (int bx = 0; bx < tilesX; bx++) {
                int n0 = bx * TILE;
                for (int by = 0; by < tilesY; by++) {
                    for (int tile = by; tile < rowTiles; tile += tilesY) {
                        int m0 = tile * TILE;
                        for (int tid = 0; tid < CudaContext.BLOCK; tid++) {
                            int tx = tid & 15;
                            int ty = tid >> 4;
                            float[][] acc = new float[4][4];
                            for (int k0 = kb; k0 < ke; k0 += DEPTH) {
                                for (int kk = 0; kk < DEPTH; kk++) {
                                    int gk = k0 + kk;
                                    float[] av = new float[4];
                                    float[] bv = new float[4];
                                    for (int i = 0; i < 4; i++) {
                                        int gm = m0 + 4 * ty + i;
                                        av[i] = gm < m && gk < ke ? a[gm * k + gk] : 0f;
                                        int gn = n0 + 4 * tx + i;
                                        bv[i] = gn < n && gk < ke ? (nt ? b[gn * k + gk] : b[gk * n + gn]) : 0f;
                                    }
                                    for (int i = 0; i < 4; i++) {
                                        for (int j = 0; j < 4; j++) {
                                            acc[i][j] = Math.fma(av[i], bv[j], acc[i][j]);
                                        }
                                    }
                                }
                            }
                            for (int i = 0; i < 4; i++) {
                                int gm = m0 + 4 * ty + i;
                                for (int j = 0; j < 4; j++) {
                                    int gn = n0 + 4 * tx + j;
                                    if (gm < m && gn < n) {
                                        int e = (int) (plane + (long) gm * n + gn);
                                        out[e] = acc[i][j];
                                        writes[e]++;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** sgemv_nt: a warp per row j of B, lanes strided over k in order, then warp_sum_f's shuffle tree. */
    static void gemv(int m, int n, int k, float[] a, float[] b, float[] c, int[] writes, int grid) {
        int warps = CudaContext.BLOCK / 32;
        for (int bx = 0; bx < grid; bx++) {
            for (int j0 = bx * warps; j0 < n; j0 += grid * warps) {
                for (int warp = 0; warp < warps; warp++) {
                    int j = j0 + warp;
                    if (j >= n) {
                        continue;
                    }
                    float[][] acc = new float[32][GemmPlan.GEMV_MAX_M];
                    for (int k0 = 0; k0 < k; k0 += 512) {
                        int len = Math.min(512, k - k0);
                        for (int lane = 0; lane < 32; lane++) {
                            for (int kk = lane; kk < len; kk += 32) {
                                float bv = b[j * k + k0 + kk];
                                for (int i = 0; i < m; i++) {
                                    acc[lane][i] = Math.fma(a[i * k + k0 + kk], bv, acc[lane][i]);
                                }
                            }
                        }
                    }
                    for (int i = 0; i < m; i++) {
                        float[] v = new float[32];
                        for (int lane = 0; lane < 32; lane++) {
                            v[lane] = acc[lane][i];
                        }
                        c[i * n + j] = warpSum(v);
                        writes[i * n + j]++;
                    }
                }
            }
        }
    }

    /** __shfl_down_sync tree of warp_sum_f: lane l adds lane l + offset (its own value past lane 31). */
    static float warpSum(float[] v) {
        for (int offset = 16; offset > 0; offset >>= 1) {
            float[] next = new float[32];
            for (int l = 0; l < 32; l++) {
                next[l] = v[l] + (l + offset < 32 ? v[l + offset] : v[l]);
            }
            v = next;
        }
        return v[0];
    }

    /** sgemm_splitk_sum: planes added in z order. */
    static void sum(float[] partials, int splits, int mn, float[] c) {
        for (int i = 0; i < mn; i++) {
            float t = partials[i];
            for (int z = 1; z < splits; z++) {
                t += partials[z * mn + i];
            }
            c[i] = t;
        }
    }

    private static void check(boolean nt, int m, int n, int k, int sms, int resident) {
        FakeLaunchTarget fake = FakeLaunchTarget.uniform(sms, resident);
        new CudaOps(fake, null).sgemm(nt, m, n, k, fake.alloc(4L * m * k), fake.alloc(4L * n * k),
                fake.alloc(4L * m * n));
        Random rnd = new Random(m * 31L + n * 7L + k);
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        float[] c = new float[m * n];
        if (GemmPlan.gemv(nt, m)) {
            FakeLaunchTarget.Launch g = fake.only(CudaKernel.SGEMV_NT);
            assertThat(fake.launches).hasSize(1);
            int[] writes = new int[m * n];
            gemv(m, n, k, a, b, c, writes, g.gridX());
            assertThat(writes).containsOnly(1);
            compare(nt, m, n, k, a, b, c);
            return;
        }
        FakeLaunchTarget.Launch g = fake.only(nt ? CudaKernel.SGEMM_NT : CudaKernel.SGEMM_NN);
        int kSlice = ((Number) g.values().get(3)).intValue();
        int splits = g.gridZ();
        assertThat(kSlice % DEPTH == 0 || splits == 1).isTrue();
        assertThat((long) kSlice * splits).isGreaterThanOrEqualTo(k).isLessThan((long) kSlice * (splits - 1) + k + 1);
        if (splits > 1) {
            FakeLaunchTarget.Launch s = fake.only(CudaKernel.SGEMM_SPLITK_SUM);
            assertThat(s.values().get(1)).isEqualTo(splits);
            assertThat(s.values().get(2)).isEqualTo((long) m * n);
        } else {
            assertThat(fake.launches).hasSize(1);
        }

        float[] planes = new float[splits * m * n];
        int[] writes = new int[planes.length];
        tiles(nt, m, n, k, kSlice, a, b, planes, writes, g.gridX(), g.gridY(), splits);
        for (int e = 0; e < writes.length; e++) {
            assertThat(writes[e]).as("writes of element %d (m %d n %d k %d, %d splits)", e, m, n, k, splits)
                    .isEqualTo(1);
        }
        if (splits > 1) {
            sum(planes, splits, m * n, c);
        } else {
            System.arraycopy(planes, 0, c, 0, c.length);
        }
        compare(nt, m, n, k, a, b, c);
    }

    private static void compare(boolean nt, int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double abs = 0;
                for (int q = 0; q < k; q++) {
                    double p = (double) a[i * k + q] * (nt ? b[j * k + q] : b[q * n + j]);
                    exact += p;
                    abs += Math.abs(p);
                }
                assertThat((double) c[i * n + j]).as("C[%d][%d]", i, j)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(CudaTolerances.gemmTolerance(k, abs)));
            }
        }
    }

    @Test
    void oneTileWithoutSplitting() {
        check(true, 3, 5, 7, 132, 4);
        check(false, 3, 5, 7, 132, 4);
    }

    @Test
    void raggedEdgesAndSeveralRowTilesLoopedByGridY() {
        check(true, 130, 70, 33, 1, 1);
        check(false, 65, 129, 17, 1, 1);
    }

    @Test
    void fewTilesAreSplitAlongKAndSummedInOrder() {
        check(true, 20, 70, 1000, 132, 4);    // 2 tiles: 8 slices of 128
        check(false, 5, 70, 1000, 132, 4);
        check(false, 64, 130, 2000, 132, 4);
    }

    @Test
    void smallBatchNtProductsTakeTheWarpPerRowGemv() {
        check(true, 1, 1, 1, 132, 4);
        check(true, 16, 70, 1300, 132, 5);    // K over two shared slices, a ragged last one
        check(true, 7, 33, 40, 1, 1);         // one block strides over 5 groups of 8 rows
        assertThat(GemmPlan.gemv(true, 17)).isFalse();
        assertThat(GemmPlan.gemv(false, 1)).isFalse();
        assertThat(GemmPlan.gemvGrid(1056, 660)).isEqualTo(132);
    }

    @Test
    void theLabProductFillsOneWave() {
        GemmPlan p = GemmPlan.of(64, 1056, 4096, Waves.wave(132, 4));
        assertThat(p).isEqualTo(new GemmPlan(17, 1, 144, 29));
        assertThat((long) p.tilesX() * p.tilesY() * p.splits()).isEqualTo(493).isLessThanOrEqualTo(528);
        // and the old launch: 17 blocks
        assertThat(GemmPlan.of(64, 1056, 4096, 17).splits()).isEqualTo(1);
    }

    @Test
    void shortKIsNotSplitAndManyTilesAreNot() {
        assertThat(GemmPlan.of(64, 1056, 100, 528).splits()).isEqualTo(1);
        assertThat(GemmPlan.of(4096, 1024, 4096, 528).splits()).isEqualTo(1);
        assertThat(GemmPlan.of(1, 1, 1, 528)).isEqualTo(new GemmPlan(1, 1, 1, 1));
    }
}
