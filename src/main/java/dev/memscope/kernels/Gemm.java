package dev.memscope.kernels;

/**
 * Single-precision matrix products on row-major arrays, the two shapes the lab's exact denoiser needs:
 * distances to every mixture mean ({@code X * M^T}) and the responsibility-weighted mean ({@code R * M}).
 * Implementations: a Vector API kernel on the CPU, a tiled CUDA kernel (cuBLAS cannot be loaded next to a
 * CUDA 13 driver). Instances are not thread-safe.
 */
public interface Gemm extends AutoCloseable {

    String name();

    /** {@code c[m][n] = sum_k a[m][k] * b[n][k]}: A is m x k, B is n x k, C is m x n, all row-major. */
    void multiplyNT(int m, int n, int k, float[] a, float[] b, float[] c);

    /** {@code c[m][n] = sum_k a[m][k] * b[k][n]}: A is m x k, B is k x n, C is m x n, all row-major. */
    void multiplyNN(int m, int n, int k, float[] a, float[] b, float[] c);

    /**
     * Promises that {@code matrix} (an operand passed as B to later calls) will not change while this instance is
     * open, so a device implementation may upload it once and keep it resident instead of copying it on every
     * call (the lab's component means: 17 MB per product). The default does nothing. Passing a different array,
     * or the same array after changing it without calling this again, is the caller's responsibility.
     */
    default void keepResident(float[] matrix) {
    }

    @Override
    default void close() {
    }
}
