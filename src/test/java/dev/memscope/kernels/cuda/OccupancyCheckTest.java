package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.memscope.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The blocks per SM the launch code plans with never exceed what ptxas' registers and shared memory allow on sm_90
 * ({@link Sm90Occupancy} on target/nvcc/ptxas.log). The planner now takes residency from the driver's occupancy
 * query; here the fake device answers with the ptxas figures, and every grid-stride grid must fit in one wave of
 * them. The old planner assumed 8 blocks per SM for every kernel, which {@link #overcommitted} flags.
 */
class OccupancyCheckTest {

    private static final int H100_SMS = 132;

    /** Kernels whose {@code assumed} blocks per SM exceed what their sm_90 resources allow, in words. */
    static List<String> overcommitted(Map<String, Sm90Occupancy.Resources> sm90, Map<CudaKernel, Integer> assumed) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<CudaKernel, Integer> e : assumed.entrySet()) {
            CudaKernel k = e.getKey();
            Sm90Occupancy.Resources r = sm90.get(k.entry());
            int allowed = Sm90Occupancy.blocksPerSm(k.block(), r);
            if (e.getValue() > allowed) {
                out.add(k.entry() + ": assumes " + e.getValue() + " blocks/SM, " + r.registers() + " registers and "
                        + r.sharedBytes() + " B smem allow " + allowed);
            }
        }
        return out;
    }

    static Map<CudaKernel, Integer> fromPtxas(Map<String, Sm90Occupancy.Resources> sm90) {
        Map<CudaKernel, Integer> m = new LinkedHashMap<>();
        for (CudaKernel k : CudaKernel.values()) {
            m.put(k, Sm90Occupancy.blocksPerSm(k.block(), sm90.get(k.entry())));
        }
        return m;
    }

    @Test
    void theCalculatorMatchesNvidiasTableForKnownCases() {
        // 256 threads: 64 registers -> 4 blocks, 40 -> 6, 32 -> 8; 32-thread blocks are capped at 32 per SM
        assertThat(Sm90Occupancy.blocksPerSm(256, new Sm90Occupancy.Resources(64, 64))).isEqualTo(4);
        assertThat(Sm90Occupancy.blocksPerSm(256, new Sm90Occupancy.Resources(40, 0))).isEqualTo(6);
        assertThat(Sm90Occupancy.blocksPerSm(256, new Sm90Occupancy.Resources(32, 0))).isEqualTo(8);
        assertThat(Sm90Occupancy.blocksPerSm(32, new Sm90Occupancy.Resources(62, 0))).isEqualTo(32);
        // shared memory bound: 48 KB + 1 KB reserved per block -> 4 blocks in 228 KB
        assertThat(Sm90Occupancy.blocksPerSm(128, new Sm90Occupancy.Resources(32, 48 * 1024))).isEqualTo(4);
    }

    @Test
    void theLaunchPlanFitsWhatPtxasAllowsOnSm90() throws Exception {
        Map<String, Sm90Occupancy.Resources> sm90 = Sm90Occupancy.parse(NvccOutputs.read(NvccOutputs.PTXAS_LOG),
                "sm_90");
        for (CudaKernel k : CudaKernel.values()) {
            assertThat(sm90).as("ptxas compiled %s for sm_90", k.entry()).containsKey(k.entry());
        }
        Map<CudaKernel, Integer> allowed = fromPtxas(sm90);
        FakeLaunchTarget fake = new FakeLaunchTarget(H100_SMS, allowed);
        CudaOps ops = new CudaOps(fake, null);
        Shape big = new Shape(64, 4, 256, 256);
        long n = big.size();
        ops.linear(fake.alloc(n * 4), fake.alloc(n * 4), 1f, 1f, n, fake.alloc(n * 4), big);
        ops.copy(fake.alloc(n * 4), fake.alloc(n * 4), n / 4);
        Map<CudaKernel, Integer> planned = new LinkedHashMap<>();
        for (FakeLaunchTarget.Launch l : fake.launches) {
            // a grid-stride grid is one wave: its blocks per SM are what the planner assumed
            planned.put(l.kernel(), (int) ((l.blocks() + H100_SMS - 1) / H100_SMS));
        }
        assertThat(planned).containsKeys(CudaKernel.LINEAR, CudaKernel.COPY);
        assertThat(overcommitted(sm90, planned)).isEmpty();
    }

    @Test
    void theOldEightBlocksPerSmAssumptionIsCaught() throws Exception {
        Map<String, Sm90Occupancy.Resources> sm90 = Sm90Occupancy.parse(NvccOutputs.read(NvccOutputs.PTXAS_LOG),
                "sm_90");
        Map<CudaKernel, Integer> eight = new LinkedHashMap<>();
        for (CudaKernel k : CudaKernel.values()) {
            if (k.block() == CudaContext.BLOCK) {
                eight.put(k, 8);
            }
        }
        // 8 blocks of 256 threads need <= 32 registers; the reductions (40), pixel cosines (34-64), linear (40) and
        // the GEMM (64) use more
        assertThat(overcommitted(sm90, eight)).isNotEmpty();
    }

    @Test
    void theLogParserReadsRegistersAndSharedMemoryPerArchitecture() {
        String log = """
                ptxas info    : Compiling entry function 'cfg_vec' for 'sm_80'
                ptxas info    : Used 30 registers, used 0 barriers
                ptxas info    : Compiling entry function 'cfg_vec' for 'sm_90'
                ptxas info    : Function properties for cfg_vec
                    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
                ptxas info    : Used 44 registers, used 0 barriers
                ptxas info    : Compiling entry function 'pixelCosine_plain_vec' for 'sm_90'
                ptxas info    : Used 64 registers, used 1 barriers, 64 bytes smem
                """;
        assertThat(Sm90Occupancy.parse(log, "sm_90")).containsEntry("cfg_vec", new Sm90Occupancy.Resources(44, 0))
                .containsEntry("pixelCosine_plain_vec", new Sm90Occupancy.Resources(64, 64)).hasSize(2);
    }
}
