package dev.memscope.kernels.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jcuda.driver.CUdeviceptr;

/**
 * A device without a GPU: records each launch (kernel, grid, packed values) instead of running it, reports a
 * chosen SM count and per-kernel residency, and hands out fake 256-byte aligned device addresses. Packing goes
 * through {@link KernelArgs#pack()}, so every signature check runs exactly as on a real device.
 */
final class FakeLaunchTarget implements LaunchTarget {

    record Launch(CudaKernel kernel, int gridX, int gridY, int gridZ, List<Object> values) {
        long blocks() {
            return (long) gridX * gridY * gridZ;
        }
    }

    final List<Launch> launches = new ArrayList<>();
    final List<String> zeroed = new ArrayList<>();
    private final int multiprocessors;
    private final Map<CudaKernel, Integer> resident;
    private long next = 0x7f0000000000L;

    FakeLaunchTarget(int multiprocessors, Map<CudaKernel, Integer> resident) {
        this.multiprocessors = multiprocessors;
        this.resident = new LinkedHashMap<>(resident);
    }

    /** Every kernel with the same residency. */
    static FakeLaunchTarget uniform(int multiprocessors, int residentBlocks) {
        Map<CudaKernel, Integer> r = new LinkedHashMap<>();
        for (CudaKernel k : CudaKernel.values()) {
            r.put(k, residentBlocks);
        }
        return new FakeLaunchTarget(multiprocessors, r);
    }

    /** A fake device address (cuMemAlloc aligns to 256 bytes); {@code offset} makes a sub-view. */
    CUdeviceptr alloc(long bytes, long offset) {
        CUdeviceptr p = new CUdeviceptr().withByteOffset(next + offset);
        next += (bytes + 255) / 256 * 256 + 256;
        return p;
    }

    CUdeviceptr alloc(long bytes) {
        return alloc(bytes, 0);
    }

    Launch only(CudaKernel kernel) {
        return launches.stream().filter(l -> l.kernel() == kernel).reduce((a, b) -> {
            throw new AssertionError("two launches of " + kernel);
        }).orElseThrow(() -> new AssertionError("no launch of " + kernel + " in " + launches));
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public int residentBlocks(CudaKernel kernel) {
        return resident.get(kernel);
    }

    @Override
    public void launch(KernelArgs args, int gridX, int gridY, int gridZ, Supplier<String> sizes) {
        args.pack();
        if (gridX < 1 || gridY < 1 || gridZ < 1 || gridY > CudaContext.MAX_GRID_Y || gridZ > CudaContext.MAX_GRID_Y) {
            throw new AssertionError("invalid grid " + gridX + "x" + gridY + "x" + gridZ + " for " + args.kernel());
        }
        launches.add(new Launch(args.kernel(), gridX, gridY, gridZ, args.values()));
    }

    @Override
    public Scratch scratch(String name) {
        return new Scratch() {
            private CUdeviceptr p;
            private long capacity;

            @Override
            public CUdeviceptr ensure(long bytes) {
                if (p == null || bytes > capacity) {
                    p = alloc(bytes);
                    capacity = bytes;
                }
                return p;
            }

            @Override
            public void close() {
                p = null;
            }
        };
    }

    @Override
    public void zeroInt(CUdeviceptr p, String what) {
        zeroed.add(what);
    }
}
