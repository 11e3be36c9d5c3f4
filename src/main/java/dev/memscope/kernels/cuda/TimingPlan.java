package dev.memscope.kernels.cuda;

/**
 * The host-side arithmetic of {@link CudaKernelTimer}'s two figures per kernel.
 *
 * <p><b>L2-resident</b>: the same buffers every launch. Inputs smaller than the L2 cache stay in it after the
 * first launch, so the figure is cache bandwidth, not HBM: it is what a pipeline that reuses a small batch sees.
 *
 * <p><b>HBM</b>: launches rotate through {@link #rotation} copies of the buffers, so that between two uses of one
 * copy at least twice the L2 size of other data has streamed through it and the inputs come from device memory.
 * This is the figure to compare with the copy kernel's bandwidth (measured on a buffer far larger than L2).
 */
final class TimingPlan {

    private TimingPlan() {
    }

    /**
     * Copies of the buffers to rotate through when one launch touches {@code touchedBytes}: 1 when that alone is
     * at least twice the L2, else enough that the other {@code copies - 1} launches touch >= 2 x L2 in between;
     * never more than {@code maxPoolBytes / setBytes} (then the figure is marked as partly cached).
     */
    static int rotation(long touchedBytes, long setBytes, long l2Bytes, long maxPoolBytes) {
        if (touchedBytes <= 0 || setBytes <= 0) {
            throw new IllegalArgumentException("touched and set bytes must be > 0");
        }
        long wanted = touchedBytes >= 2 * l2Bytes ? 1 : (2 * l2Bytes + touchedBytes - 1) / touchedBytes + 1;
        long affordable = Math.max(1, maxPoolBytes / setBytes);
        return (int) Math.min(Math.min(wanted, affordable), Integer.MAX_VALUE);
    }

    /** Whether a rotation of {@code copies} really evicts between uses (false when the pool cap cut it short). */
    static boolean evicts(int copies, long touchedBytes, long l2Bytes) {
        return (copies - 1L) * touchedBytes >= 2 * l2Bytes || touchedBytes >= 2 * l2Bytes;
    }

    /** Bytes rounded up to cuMemAlloc's 256-byte alignment, so views into a pool stay float4-aligned. */
    static long aligned(long bytes) {
        return (bytes + 255) / 256 * 256;
    }
}
