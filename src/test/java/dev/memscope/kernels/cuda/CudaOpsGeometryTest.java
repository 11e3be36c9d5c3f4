package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.PixelPair;
import dev.memscope.tensor.Shape;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/**
 * Launch geometry, which decides both occupancy and (through the chunk count) the reduction order, and argument
 * packing, on a fake device: wave = SMs x the blocks per SM the occupancy query reports (here chosen).
 */
class CudaOpsGeometryTest {

    private static final int H100_SMS = 132;

    @Test
    void aWaveIsSmsTimesResidentBlocks() {
        assertThat(Waves.wave(H100_SMS, 4)).isEqualTo(528);
        assertThat(Waves.wave(H100_SMS, 6)).isEqualTo(792);
        assertThat(Waves.wave(0, 0)).isEqualTo(1);
    }

    @Test
    void gridStrideKernelsGetAtMostOneWaveOfTheReportedResidency() {
        for (int resident : new int[] {1, 4, 6, 8}) {
            FakeLaunchTarget fake = FakeLaunchTarget.uniform(H100_SMS, resident);
            CudaOps ops = new CudaOps(fake, null);
            ops.copy(fake.alloc(1 << 28), fake.alloc(1 << 28), 1L << 26);
            assertThat(fake.only(CudaKernel.COPY).gridX()).isEqualTo(H100_SMS * resident);
        }
        assertThat(Waves.gridStride(1000, 256, 528)).isEqualTo(4);
        assertThat(Waves.gridStride(0, 256, 528)).isEqualTo(1);
    }

    @Test
    void aBigBatchFillsWholeWavesInsteadOfSpillingIntoAnIdleOne() {
        // [256, 4, 64, 64]: 4096 quads per sample. At 4 blocks per SM a wave is 528 blocks: 2 chunks x 256 = 512
        // blocks in one wave (the old 8-per-SM sizing launched 5 x 256 = 1280 blocks, 2.4 waves).
        Waves.Grid g = Waves.perSample(4096, 256, 256, Waves.wave(H100_SMS, 4));
        assertThat(g).isEqualTo(new Waves.Grid(2, 256));
        assertThat(g.blocks()).isLessThanOrEqualTo(528);
    }

    @Test
    void aSmallBatchIsSplitButEveryBlockKeepsAtLeastOneUnitPerThread() {
        int wave = Waves.wave(H100_SMS, 4);
        assertThat(Waves.perSample(4096, 1, 256, wave).x()).isEqualTo(16);
        assertThat(Waves.perSample(4096, 16, 256, wave).x()).isEqualTo(16);
        assertThat(Waves.perSample(300, 1, 256, wave).x()).isEqualTo(2);
    }

    @Test
    void tinySamplesAndHugeBatchesGetOneChunkAndTheSampleLoop() {
        int wave = Waves.wave(H100_SMS, 4);
        assertThat(Waves.perSample(1, 1, 256, wave)).isEqualTo(new Waves.Grid(1, 1));
        assertThat(Waves.perSample(0, 7, 256, wave)).isEqualTo(new Waves.Grid(1, 7));
        assertThat(Waves.perSample(4096, 100_000, 256, wave)).isEqualTo(new Waves.Grid(1, CudaContext.MAX_GRID_Y));
    }

    @Test
    void neverMoreWavesThanTheOldSizingForTheLabShapes() {
        // cost model in thread iterations; the old rule: chunks = min(ceil(SMs*8 / batch), ceil(units / 256))
        for (int resident : new int[] {4, 5, 6}) {
            int wave = Waves.wave(H100_SMS, resident);
            for (int batch = 1; batch <= 300; batch++) {
                for (long units : new long[] {1, 1025, 4096, 16384}) {
                    long byWork = Math.max(1, (units + 255) / 256);
                    int old = (int) Math.min((H100_SMS * 8L + batch - 1) / batch, byWork);
                    Waves.Grid g = Waves.perSample(units, batch, 256, wave);
                    assertThat(Waves.cost(units, batch, g.y(), g.x(), 256, wave))
                            .as("batch %d, %d units, %d per SM", batch, units, resident)
                            .isLessThanOrEqualTo(Waves.cost(units, batch, g.y(), old, 256, wave));
                    assertThat(g.x()).isBetween(1, (int) byWork);
                }
            }
        }
    }

    @Test
    void everyOpPacksItsKernelsSignature() {
        FakeLaunchTarget fake = FakeLaunchTarget.uniform(H100_SMS, 4);
        CudaOps ops = new CudaOps(fake, null);
        Shape[] shapes = {new Shape(3, 4, 8, 8), new Shape(2, 3, 5, 7), new Shape(600, 4, 8, 8),
                new Shape(2, 100, 1, 1)};
        for (Shape shape : shapes) {
            long n = shape.size();
            CUdeviceptr a = fake.alloc(n * 4);
            CUdeviceptr b = fake.alloc(n * 4);
            CUdeviceptr c = fake.alloc(n * 4);
            CUdeviceptr d = fake.alloc(n * 4);
            CUdeviceptr o = fake.alloc(n * 4);
            CUdeviceptr s = fake.alloc(shape.batch() * 4L);
            ops.diffNorm(a, b, shape, s);
            ops.globalCosine(a, b, shape, s);
            for (PixelPair p : PixelPair.values()) {
                ops.pixelCosine(a, b, shape, p, s);
            }
            CUdeviceptr[] inputs = {a, b, c, d};
            for (KernelOp op : KernelOp.generics()) {
                CUdeviceptr params = fake.alloc(4L * op.perSampleParamOrder().size() * shape.batch() + 4);
                ops.generic(op, java.util.Arrays.copyOf(inputs, op.requiredInputs().size()), params, shape,
                        op.perSample() ? s : o);
            }
            for (boolean hasN : new boolean[] {false, true}) {
                for (boolean hasG : new boolean[] {false, true}) {
                    ops.amg(a, b, hasN ? c : null, hasG ? d : null, s, hasN ? s : null, hasG ? s : null, shape, o);
                }
            }
            ops.linear(a, b, 1f, 2f, n, o, shape);
            ops.copy(a, o, n / 4);
        }
        ops.sgemm(true, 3, 5, 7, fake.alloc(84), fake.alloc(140), fake.alloc(60));
        ops.sgemm(true, 20, 5, 7, fake.alloc(560), fake.alloc(140), fake.alloc(400));
        ops.sgemm(false, 5, 70, 1000, fake.alloc(20_000), fake.alloc(280_000), fake.alloc(1400));
        ops.sgemm(false, 3, 5, 7, fake.alloc(84), fake.alloc(140), fake.alloc(60));
        // every kernel of the table was launched (and packed without a signature error)
        assertThat(fake.launches.stream().map(FakeLaunchTarget.Launch::kernel).distinct())
                .containsExactlyInAnyOrder(CudaKernel.values());
        // the non-finite flag is cleared before each elementwise launch: four amg, linear and every elementwise
        // op on the generic path (cfg) per shape
        long elementwise = KernelOp.generics().stream().filter(op -> !op.perSample()).count();
        assertThat(fake.zeroed).hasSize((int) (shapes.length * (5 + elementwise)));
    }

    @Test
    void pixelCosineFormFollowsTheShape() {
        FakeLaunchTarget fake = FakeLaunchTarget.uniform(H100_SMS, 4);
        CudaOps ops = new CudaOps(fake, null);
        CUdeviceptr p = fake.alloc(1 << 24);
        CUdeviceptr s = fake.alloc(4096);
        ops.pixelCosine(p, p, new Shape(1, 4, 64, 64), PixelPair.PLAIN, s);     // batch 1: float4 would be 4 blocks
        ops.pixelCosine(p, p, new Shape(256, 4, 64, 64), PixelPair.PLAIN, s);   // 1024 float4 blocks fill a wave
        ops.pixelCosine(p, p, new Shape(3, 4099, 1, 1), PixelPair.PLAIN, s);    // a block per pixel
        assertThat(fake.launches).extracting(FakeLaunchTarget.Launch::kernel).containsExactly(
                CudaKernel.PIXEL_COSINE_PLAIN_SCALAR, CudaKernel.SUM_FINISH, CudaKernel.PIXEL_COSINE_PLAIN_VEC,
                CudaKernel.SUM_FINISH, CudaKernel.PIXEL_COSINE_PLAIN_CHANNELS, CudaKernel.SUM_FINISH);
        assertThat(fake.launches.get(0).blocks()).isEqualTo(16);
        assertThat(fake.launches.get(4).gridX()).isEqualTo(1);
        assertThat(fake.launches.get(4).gridY()).isEqualTo(3);
    }

    @Test
    void aWrongPackingIsRefusedBeforeTheLaunch() {
        CUdeviceptr p = new CUdeviceptr();
        assertThatThrownBy(() -> CudaKernel.map(KernelOp.CFG, true).args().ptr(p).ptr(p).ptr(p).ptr(p).ptr(p)
                .i32(1).i32(4))
                .hasMessageContaining("cfg_map_vec parameter 6 is I64 but an int was packed");
        assertThatThrownBy(() -> CudaKernel.COPY.args().ptr(p).ptr(p).pack())
                .hasMessageContaining("takes 3 parameters but 2 were packed");
        assertThatThrownBy(() -> CudaKernel.COPY.args().ptr(p).ptr(p).i64(1).i64(2))
                .hasMessageContaining("takes only 3 parameters");
    }

    @Test
    void aSubViewThatIsNotSixteenByteAlignedIsRefusedForFloat4Kernels() {
        FakeLaunchTarget fake = FakeLaunchTarget.uniform(H100_SMS, 4);
        CudaOps ops = new CudaOps(fake, null);
        Shape shape = new Shape(600, 4, 8, 8);   // enough blocks for the float4 pixel cosine
        CUdeviceptr base = fake.alloc(4L * shape.size());
        CUdeviceptr odd = base.withByteOffset(4);       // a view starting one float in
        CUdeviceptr quad = base.withByteOffset(16);     // a view starting one float4 in
        CUdeviceptr s = fake.alloc(4L * shape.batch());
        assertThatThrownBy(() -> ops.pixelCosine(odd, base, shape, PixelPair.PLAIN, s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 16-byte aligned");
        assertThatThrownBy(() -> ops.linear(base, base, 1f, 1f, shape.size(), odd, shape))
                .hasMessageContaining("not 16-byte aligned");
        assertThat(fake.launches).isEmpty();
        ops.pixelCosine(quad, base, shape, PixelPair.PLAIN, s);
        // the scalar form reads floats and accepts any float-aligned view
        ops.pixelCosine(odd, base, new Shape(2, 4, 8, 8), PixelPair.PLAIN, s);
        assertThat(fake.launches).extracting(FakeLaunchTarget.Launch::kernel).contains(
                CudaKernel.PIXEL_COSINE_PLAIN_VEC, CudaKernel.PIXEL_COSINE_PLAIN_SCALAR);
    }
}
