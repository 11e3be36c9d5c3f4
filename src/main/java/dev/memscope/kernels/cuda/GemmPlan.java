package dev.memscope.kernels.cuda;

/**
 * Launch plan of the tiled GEMM (kernels/gemm.cuh): 64 x 64 output tiles, and when there are too few of them to
 * fill a wave, K cut into {@code splits} slices of {@code kSlice} (a multiple of the 16-deep shared-memory step)
 * whose partial products a fixed-order second kernel adds. The lab's default product (m 64, n 1056, k 4096) has
 * 17 tiles; on 132 SMs x 4 blocks it gets 29 slices of 144, 493 blocks in one wave.
 *
 * @param tilesX   gridDim.x: column tiles
 * @param tilesY   gridDim.y: row tiles (at most 65,535; the kernel loops over the rest)
 * @param kSlice   K per slice, a multiple of {@link #DEPTH}, or k itself with one slice
 * @param splits   gridDim.z: slices, {@code ceil(k / kSlice)}
 */
record GemmPlan(int tilesX, int tilesY, int kSlice, int splits) {
    /** GEMM_TILE and GEMM_DEPTH in kernels/gemm.cuh. */
    static final int TILE = 64;
    static final int DEPTH = 16;
    /**
     * Shortest slice worth a split: each slice costs a 64 x 64 partial written and read again, 2 x 16 KiB per tile,
     * against 64 x 64 x kSlice FMAs; at 128 the extra traffic is under 1% of the work's operand reads.
     */
    static final int MIN_SLICE = 128;
    /** GEMV_MAX_M in kernels/gemm.cuh: NT products with at most this many rows of A take sgemv_nt. */
    static final int GEMV_MAX_M = 16;
    /** Rows of B per sgemv_nt block: one per warp. */
    static final int GEMV_ROWS_PER_BLOCK = CudaContext.BLOCK / 32;

    /** Whether a product takes the warp-per-row GEMV instead of 64-row tiles that would be mostly padding. */
    static boolean gemv(boolean nt, int m) {
        return nt && m <= GEMV_MAX_M;
    }

    /** sgemv_nt's grid: a block per 8 rows of B, at most one wave (blocks stride over the rest). */
    static int gemvGrid(int n, int wave) {
        return Waves.gridStride(n, GEMV_ROWS_PER_BLOCK, wave);
    }

    static GemmPlan of(int m, int n, int k, int wave) {
        int tilesX = (n + TILE - 1) / TILE;
        int rowTiles = (m + TILE - 1) / TILE;
        int tilesY = Math.min(rowTiles, CudaContext.MAX_GRID_Y);
        long tiles = (long) tilesX * rowTiles;
        long bySlices = Math.max(1, ((long) k + MIN_SLICE - 1) / MIN_SLICE);
        long wanted = Math.max(1, Math.min(wave / Math.max(1, tiles), bySlices));
        if (wanted <= 1) {
            return new GemmPlan(tilesX, tilesY, Math.max(k, 1), 1);
        }
        long slice = ((k + wanted - 1) / wanted + DEPTH - 1) / DEPTH * DEPTH;
        int splits = (int) ((k + slice - 1) / slice);
        if (splits <= 1) {
            return new GemmPlan(tilesX, tilesY, Math.max(k, 1), 1);
        }
        return new GemmPlan(tilesX, tilesY, (int) slice, splits);
    }

    /** Floats of the split-K workspace (one m x n plane per slice); 0 with one slice. */
    long workspaceFloats(int m, int n) {
        return splits == 1 ? 0 : (long) splits * m * n;
    }
}
