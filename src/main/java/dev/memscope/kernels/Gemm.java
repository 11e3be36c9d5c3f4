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

    @Override
    default void close() {
    }
}
