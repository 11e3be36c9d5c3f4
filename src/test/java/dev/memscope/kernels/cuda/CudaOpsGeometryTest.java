package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Launch geometry, which decides both occupancy and (through the chunk count) the reduction order. */
class CudaOpsGeometryTest {

    private static final int H100_SMS = 132;

    @Test
    void aBigBatchGetsAboutOneWaveOfBlocks() {
        // [256, 4, 64, 64]: 4096 quads per sample; 8 blocks per SM = 1056 blocks wanted -> 5 chunks x 256 samples
        assertThat(CudaOps.chunks(4096, 256, H100_SMS)).isEqualTo(5);
    }

    @Test
    void aSmallBatchIsSplitButEveryBlockKeepsAtLeastOneUnitPerThread() {
        assertThat(CudaOps.chunks(4096, 1, H100_SMS)).isEqualTo(16);
        assertThat(CudaOps.chunks(4096, 16, H100_SMS)).isEqualTo(16);
        assertThat(CudaOps.chunks(4096, 64, H100_SMS)).isEqualTo(16);
        assertThat(CudaOps.chunks(300, 1, H100_SMS)).isEqualTo(2);
    }

    @Test
    void tinySamplesAndHugeBatchesGetOneChunk() {
        assertThat(CudaOps.chunks(1, 1, H100_SMS)).isEqualTo(1);
        assertThat(CudaOps.chunks(0, 7, H100_SMS)).isEqualTo(1);
        assertThat(CudaOps.chunks(4096, 100_000, H100_SMS)).isEqualTo(1);
    }

    @Test
    void everyKernelNameIsListedOnce() {
        assertThat(CudaOps.KERNELS).doesNotHaveDuplicates().hasSize(24)
                .contains("guidanceAlignment_qMinusP_vec", "amg_scalar_n1_g0", "sgemm_nt", "copy_quads");
    }
}
