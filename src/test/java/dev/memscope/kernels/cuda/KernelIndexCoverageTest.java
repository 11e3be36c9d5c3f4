package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.PixelPair;
import dev.memscope.tensor.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import jcuda.driver.CUdeviceptr;

/**
 * Every kernel's index math (ported in {@link KernelIndexPort}) visits every element exactly once with 16-byte
 * aligned float4 accesses, on the grids and arguments {@link CudaOps} actually packs (through a fake device), for
 * odd sample sizes (C*H*W = 4099, H*W = 1), batches 1..300 and beyond gridDim.y's 65,535, and devices from one SM
 * to an H100's 132 at several residencies.
 */
class KernelIndexCoverageTest {

    /** SM counts x blocks per SM: a tiny device (many samples per block) to an H100 at ptxas' 4..6 blocks. */
    private static final int[][] DEVICES = {{1, 1}, {132, 4}, {132, 6}, {8, 2}};

    static Stream<Arguments> shapes() {
        List<Integer> batches = Stream.concat(IntStream.rangeClosed(1, 17).boxed(),
                Stream.of(31, 64, 127, 128, 255, 256, 263, 299, 300)).toList();
        Stream<Arguments> odd = batches.stream().flatMap(b -> Stream.of(
                Arguments.of(new Shape(b, 4099, 1, 1)),       // H*W = 1: pixel cosine over 4099 channels
                Arguments.of(new Shape(b, 1, 1, 4099)),       // one plane of 4099 pixels, C*H*W % 4 = 3
                Arguments.of(new Shape(b, 4, 8, 8)),           // the float4 forms (pixel cosine: scalar when small)
                Arguments.of(new Shape(b, 3, 64, 64))));        // pixel cosine float4 form from batch 132
        Stream<Arguments> huge = Stream.of(
                Arguments.of(new Shape(1000, 64, 2, 2)),       // few pixels, 64 channels: the channel-parallel form
                Arguments.of(new Shape(65_537, 5, 1, 1)),
                Arguments.of(new Shape(70_001, 1, 2, 2)),
                Arguments.of(new Shape(131_075, 1, 1, 3)));
        return Stream.concat(odd, huge);
    }

    private static long value(FakeLaunchTarget.Launch l, int i) {
        return ((Number) l.values().get(i)).longValue();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void everyElementOnceAndEveryQuadAligned(Shape shape) {
        for (int[] dev : DEVICES) {
            FakeLaunchTarget fake = FakeLaunchTarget.uniform(dev[0], dev[1]);
            CudaOps ops = new CudaOps(fake, null);
            long total = (long) shape.batch() * shape.sampleSize();
            CUdeviceptr a = fake.alloc(total * 4);
            CUdeviceptr b = fake.alloc(total * 4);
            CUdeviceptr out = fake.alloc(total * 4);
            CUdeviceptr perSample = fake.alloc(shape.batch() * 4L);
            String where = shape + " on " + dev[0] + " SMs x " + dev[1];

            ops.diffNorm(a, b, shape, perSample);
            FakeLaunchTarget.Launch flat = fake.only(CudaKernel.DIFF_NORM_PARTIALS);
            KernelIndexPort.Visits v = new KernelIndexPort.Visits(total);
            KernelIndexPort.flatPartials(v, (int) value(flat, 2), value(flat, 3), (int) value(flat, 4), flat.gridX(),
                    flat.gridY());
            assertOnceAligned(v, "diffNorm_partials " + where);
            assertThat(flat.gridX()).as("chunks = gridDim.x").isEqualTo(value(flat, 4));

            // ops.cuh's sum_partials walks a sample as flat_partials does; its batch, n, chunks follow 4 inputs
            // and the parameters
            for (KernelOp op : KernelOp.generics()) {
                if (!op.perSample()) {
                    continue;
                }
                CUdeviceptr[] in = java.util.Collections.nCopies(op.requiredInputs().size(), a)
                        .toArray(CUdeviceptr[]::new);
                ops.generic(op, in, null, shape, perSample);
                FakeLaunchTarget.Launch sum = fake.only(CudaKernel.sumPartials(op));
                v = new KernelIndexPort.Visits(total);
                KernelIndexPort.flatPartials(v, (int) value(sum, 5), value(sum, 6), (int) value(sum, 7), sum.gridX(),
                        sum.gridY());
                assertOnceAligned(v, sum.kernel().entry() + " " + where);
                assertThat(sum.gridX()).as("chunks = gridDim.x").isEqualTo(value(sum, 7));
            }

            ops.pixelCosine(a, b, shape, PixelPair.Q_MINUS_P, perSample);
            FakeLaunchTarget.Launch px = fake.launches.stream()
                    .filter(l -> l.kernel().entry().startsWith("guidanceAlignment_qMinusP")).findFirst().orElseThrow();
            v = new KernelIndexPort.Visits(total);
            if (px.kernel() == CudaKernel.GUIDANCE_Q_MINUS_P_CHANNELS) {
                KernelIndexPort.pixelCosineChannels(v, (int) value(px, 2), (int) value(px, 3), (int) value(px, 4),
                        px.gridX(), px.gridY());
                assertThat(px.gridX()).as("one block per pixel").isEqualTo(shape.pixels());
            } else {
                KernelIndexPort.pixelCosine(v, px.kernel() == CudaKernel.GUIDANCE_Q_MINUS_P_VEC, (int) value(px, 2),
                        (int) value(px, 3), (int) value(px, 4), (int) value(px, 5), px.gridX(), px.gridY());
            }
            assertOnceAligned(v, px.kernel().entry() + " " + where);

            // ops.cuh's map_body walks a sample as the fused elementwise kernels do
            for (KernelOp op : KernelOp.generics()) {
                if (op.perSample()) {
                    continue;
                }
                CUdeviceptr[] in = java.util.Collections.nCopies(op.requiredInputs().size(), a)
                        .toArray(CUdeviceptr[]::new);
                ops.generic(op, in, perSample, shape, out);
                FakeLaunchTarget.Launch map = fake.launches.stream()
                        .filter(l -> l.kernel() == CudaKernel.map(op, true) || l.kernel() == CudaKernel.map(op, false))
                        .findFirst().orElseThrow();
                v = new KernelIndexPort.Visits(total);
                KernelIndexPort.perSampleElementwise(v, map.kernel() == CudaKernel.map(op, true), (int) value(map, 5),
                        value(map, 6), map.gridX(), map.gridY());
                assertOnceAligned(v, map.kernel().entry() + " " + where);
            }

            ops.linear(a, b, 0.5f, 0.5f, total, out, shape);
            FakeLaunchTarget.Launch lin = fake.only(CudaKernel.LINEAR);
            v = new KernelIndexPort.Visits(total);
            KernelIndexPort.linear(v, value(lin, 4), lin.gridX());
            assertOnceAligned(v, "ddimStep_convert_linear " + where);
        }
    }

    /**
     * Every batch 1..300 (the element-level test above samples them): on the grid CudaOps launches, the chunks of
     * flat_partials split a sample's quads into disjoint ranges covering all of them, and the gridDim.y loop
     * gives every sample to exactly one block row. Per-range arithmetic, so all batches stay cheap.
     */
    @Test
    void everyBatchUpTo300SplitsEverySampleExactly() {
        for (int[] dev : DEVICES) {
            for (int batch = 1; batch <= 300; batch++) {
                for (Shape shape : new Shape[] {new Shape(batch, 4099, 1, 1), new Shape(batch, 4, 64, 64)}) {
                    FakeLaunchTarget fake = FakeLaunchTarget.uniform(dev[0], dev[1]);
                    CudaOps ops = new CudaOps(fake, null);
                    long total = (long) shape.batch() * shape.sampleSize();
                    ops.diffNorm(fake.alloc(total * 4), fake.alloc(total * 4), shape, fake.alloc(batch * 4L));
                    FakeLaunchTarget.Launch l = fake.only(CudaKernel.DIFF_NORM_PARTIALS);
                    int chunks = (int) value(l, 4);
                    int[] rows = new int[batch];
                    for (int by = 0; by < l.gridY(); by++) {
                        for (int s = by; s < batch; s += l.gridY()) {
                            rows[s]++;
                        }
                    }
                    assertThat(rows).as("samples per block row, %s", shape).containsOnly(1);
                    for (int s = 0; s < Math.min(batch, 4); s++) {   // alignment repeats every 4 samples
                        long start = (long) s * shape.sampleSize();
                        long[] a = KernelIndexPort.alignedSplit(start, start + shape.sampleSize());
                        long quads = (a[1] - a[0]) >> 2;
                        long per = (quads + chunks - 1) / chunks;
                        long next = 0;
                        for (int c = 0; c < chunks; c++) {
                            long qb = Math.min(quads, (long) c * per);
                            long qe = Math.min(quads, qb + per);
                            assertThat(qb).as("chunk %d of %d starts where the last ended", c, chunks)
                                    .isEqualTo(Math.min(next, quads));
                            next = Math.max(next, qe);
                        }
                        assertThat(next).isEqualTo(quads);
                    }
                }
            }
        }
    }

    private static void assertOnceAligned(KernelIndexPort.Visits v, String what) {
        assertThat(v.firstNotOnce()).as("first element not visited exactly once by %s", what).isEqualTo(-1);
        assertThat(v.misaligned).as("first misaligned float4 element of %s", what).isEqualTo(-1);
    }

    // The port must be able to fail: known-bad index math is caught.

    @Test
    void aChunkSplitThatDropsTheRemainderIsCaught() {
        // per = quads / chunks (rounded down) loses the last quads of the body when chunks does not divide it
        long n = 4099;
        int chunks = 3;
        KernelIndexPort.Visits v = new KernelIndexPort.Visits(n);
        long[] a = KernelIndexPort.alignedSplit(0, n);
        long quads = (a[1] - a[0]) >> 2;
        long per = quads / chunks;
        for (int c = 0; c < chunks; c++) {
            for (long q = c * per; q < Math.min(quads, c * per + per); q++) {
                v.quad(a[0] + 4 * q);
            }
        }
        for (long i = a[1]; i < n; i++) {
            v.one(i);
        }
        assertThat(v.firstNotOnce()).isNotEqualTo(-1);
    }

    @Test
    void aGridYWithoutTheSampleLoopIsCaught() {
        // gridDim.y capped at 65,535 with one sample per block row leaves the rest of the batch unvisited
        int batch = 65_537;
        KernelIndexPort.Visits v = new KernelIndexPort.Visits(batch);
        KernelIndexPort.perSampleElementwise(v, false, Math.min(batch, CudaContext.MAX_GRID_Y), 1, 1,
                CudaContext.MAX_GRID_Y);
        assertThat(v.firstNotOnce()).isEqualTo(CudaContext.MAX_GRID_Y);
    }

    @Test
    void aFloat4PathOnAnOddSampleIsCaughtAsMisaligned() {
        KernelIndexPort.Visits v = new KernelIndexPort.Visits(2 * 4099);
        KernelIndexPort.perSampleElementwise(v, true, 2, 4099, 4, 2);
        assertThat(v.misaligned).isEqualTo(4099);
    }
}
