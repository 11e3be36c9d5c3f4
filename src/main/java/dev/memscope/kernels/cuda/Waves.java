package dev.memscope.kernels.cuda;

/**
 * Launch geometry in whole waves. A wave is what the device runs at once: SMs x the blocks of one kernel that fit on
 * an SM (the driver's occupancy calculator, queried per kernel once per context). A grid of one wave plus a few
 * blocks takes two waves of time with the second nearly idle, so grids are sized to whole waves: a grid-stride
 * kernel gets at most one wave, and a per-sample kernel's chunk count is chosen by a small cost model over whole
 * waves. Everything depends only on sizes, SM count and residency, so a reduction's order (the chunk count) is
 * the same on every call on the same device.
 */
final class Waves {

    private Waves() {
    }

    /** Per-sample grid: {@code x} chunks of each sample, {@code y} blocks stepping through the samples. */
    record Grid(int x, int y) {
        long blocks() {
            return (long) x * y;
        }
    }

    /** One wave: SMs x resident blocks per SM (at least 1). */
    static int wave(int multiprocessors, int residentBlocks) {
        return Math.max(1, multiprocessors) * Math.max(1, residentBlocks);
    }

    /**
     * 1-D grid-stride grid for {@code work} units at {@code block} threads: one unit per thread when that is less
     * than a wave, else exactly one wave (every block resident, each thread strides; any more blocks would only
     * queue behind the first wave).
     */
    static int gridStride(long work, int block, int wave) {
        long byWork = (work + block - 1) / block;
        return (int) Math.max(1, Math.min(byWork, wave));
    }

    /**
     * Grid of a per-sample kernel (reductions, cfg, amg) with {@code units} work units per sample (float4 quads or
     * pixels) and {@code batch} samples: gridDim.y = min(batch, 65535) and the chunk count minimising
     * {@link #cost}, fewer chunks on ties (fewer partials). A chunk keeps at least one unit per thread.
     */
    static Grid perSample(long units, int batch, int block, int wave) {
        int gridY = Math.max(1, Math.min(batch, CudaContext.MAX_GRID_Y));
        long byWork = Math.max(1, (units + block - 1) / block);
        // more chunks than it takes to fill two waves with this gridY never lowers the cost
        long limit = Math.min(byWork, Math.max(1, 2L * ((wave + gridY - 1) / gridY)));
        int best = 1;
        double bestCost = cost(units, batch, gridY, 1, block, wave);
        for (int c = 2; c <= limit; c++) {
            double cost = cost(units, batch, gridY, c, block, wave);
            if (cost < bestCost) {
                best = c;
                bestCost = cost;
            }
        }
        return new Grid(best, gridY);
    }

    /**
     * Time model of a per-sample launch in units of one thread iteration: waves of blocks x samples each block
     * walks x (iterations per thread + 1 for the block's fixed cost: its sum tree and start).
     */
    static double cost(long units, int batch, int gridY, int chunks, int block, int wave) {
        long blocks = (long) chunks * gridY;
        long waves = (blocks + wave - 1) / wave;
        long samplesPerBlock = (batch + gridY - 1) / gridY;
        long unitsPerChunk = (units + chunks - 1) / chunks;
        long iterations = Math.max(1, (unitsPerChunk + block - 1) / block);
        return (double) waves * samplesPerBlock * (iterations + 1);
    }
}
