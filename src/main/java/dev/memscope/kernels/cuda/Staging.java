package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaCallException.check;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.Supplier;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * Moves Java float arrays to and from the device through two pinned host halves used in turn: while the DMA
 * engine copies one half, the CPU fills (or drains) the other. Pinned memory stays bounded (2 x {@link #HALF_BYTES})
 * whatever the tensor size, and an event per half says when the half may be reused.
 */
final class Staging implements AutoCloseable {
    static final int HALF_BYTES = 8 << 20;
    private static final int HALF_FLOATS = HALF_BYTES / Float.BYTES;

    private final CudaContext ctx;
    private final Pointer host = new Pointer();
    private final FloatBuffer[] halves = new FloatBuffer[2];
    private final Pointer[] halfPointers = new Pointer[2];
    private final CUevent[] done = {new CUevent(), new CUevent()};
    private final boolean[] pending = new boolean[2];
    /**
     * The half the next piece uses, carried across calls: two consecutive one-piece uploads (eps_c, then eps_u)
     * use different halves, so the CPU fills the second while the DMA engine still copies the first. Restarting
     * at half 0 on every call made each upload wait for the previous one's copy.
     */
    private final HalfCycle cycle = new HalfCycle();
    private boolean allocated;
    private int eventsCreated;

    Staging(CudaContext ctx) {
        this.ctx = ctx;
        try {
            check(cuMemAllocHost(host, 2L * HALF_BYTES), "cuMemAllocHost of " + 2 * HALF_BYTES + " pinned bytes");
            allocated = true;
            ByteBuffer all = host.getByteBuffer(0, 2L * HALF_BYTES).order(ByteOrder.nativeOrder());
            for (int h = 0; h < 2; h++) {
                halves[h] = all.position(h * HALF_BYTES).limit((h + 1) * HALF_BYTES).slice()
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                all.clear();
                halfPointers[h] = host.withByteOffset((long) h * HALF_BYTES);
                check(cuEventCreate(done[h], CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
                eventsCreated++;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Enqueues the copy of {@code src[from, from + count)} to {@code dst}; returns before the copy finishes. */
    void upload(float[] src, int from, int count, CUdeviceptr dst, Supplier<String> what) {
        for (int done0 = 0; done0 < count; done0 += HALF_FLOATS) {
            int h = cycle.take();
            int n = Math.min(HALF_FLOATS, count - done0);
            await(h, what);
            FloatBuffer half = halves[h];
            half.clear();
            half.put(src, from + done0, n);
            int offset = done0;
            check(cuMemcpyHtoDAsync(dst.withByteOffset((long) offset * Float.BYTES), halfPointers[h],
                    (long) n * Float.BYTES, ctx.stream), () -> "cuMemcpyHtoDAsync of " + n + " floats for "
                    + what.get());
            record(h);
        }
    }

    /**
     * Copies {@code count} floats from {@code src} into {@code dst[from, ...)}, after everything already enqueued
     * on the stream (the kernels that produce them); returns when the data is in {@code dst}.
     */
    void download(CUdeviceptr src, float[] dst, int from, int count, Supplier<String> what) {
        int pieces = (count + HALF_FLOATS - 1) / HALF_FLOATS;
        int first = cycle.take(pieces);
        if (pieces > 0) {
            enqueueDownload(src, 0, first, count, what);
        }
        for (int p = 0; p < pieces; p++) {
            if (p + 1 < pieces) {
                // the other half was drained in the previous iteration
                enqueueDownload(src, p + 1, (first + p + 1) & 1, count, what);
            }
            int h = (first + p) & 1;
            await(h, what);
            int n = Math.min(HALF_FLOATS, count - p * HALF_FLOATS);
            FloatBuffer half = halves[h];
            half.clear();
            half.get(dst, from + p * HALF_FLOATS, n);
        }
    }

    /** Reads one int (the kernels' non-finite flag) after everything enqueued. */
    int downloadInt(CUdeviceptr src, Supplier<String> what) {
        await(0, what);
        await(1, what);
        check(cuMemcpyDtoHAsync(halfPointers[0], src, Integer.BYTES, ctx.stream),
                () -> "cuMemcpyDtoHAsync of a flag for " + what.get());
        record(0);
        await(0, what);
        return host.getByteBuffer(0, Integer.BYTES).order(ByteOrder.nativeOrder()).getInt(0);
    }

    private void enqueueDownload(CUdeviceptr src, int piece, int h, int count, Supplier<String> what) {
        await(h, what);
        long first = (long) piece * HALF_FLOATS;
        int n = (int) Math.min(HALF_FLOATS, count - first);
        check(cuMemcpyDtoHAsync(halfPointers[h], src.withByteOffset(first * Float.BYTES), (long) n * Float.BYTES,
                ctx.stream), () -> "cuMemcpyDtoHAsync of " + n + " floats for " + what.get());
        record(h);
    }

    private void record(int h) {
        check(cuEventRecord(done[h], ctx.stream), "cuEventRecord");
        pending[h] = true;
    }

    /** Waits until half h's last copy is done; a kernel fault earlier in the stream surfaces here. */
    private void await(int h, Supplier<String> what) {
        if (pending[h]) {
            check(cuEventSynchronize(done[h]), () -> "waiting for the copies of " + what.get());
            pending[h] = false;
        }
    }

    @Override
    public void close() {
        for (int h = 0; h < eventsCreated; h++) {
            cuEventDestroy(done[h]);
        }
        eventsCreated = 0;
        if (allocated) {
            cuMemFreeHost(host);
            allocated = false;
        }
    }

    /** Alternates between the two halves across calls (see {@link #cycle}). */
    static final class HalfCycle {
        private int next;

        /** The half for the next piece. */
        int take() {
            return take(1);
        }

        /** The half for the first of {@code pieces} pieces; piece p uses {@code (first + p) & 1}. */
        int take(int pieces) {
            int h = next;
            next = (next + pieces) & 1;
            return h;
        }
    }
}
