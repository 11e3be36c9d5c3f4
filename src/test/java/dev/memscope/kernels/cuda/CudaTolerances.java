package dev.memscope.kernels.cuda;

/** Every tolerance the CUDA tests use, with why it is what it is. */
final class CudaTolerances {
    private CudaTolerances() {
    }

    /**
     * Reductions: both sides accumulate in double and round once to float. The double sums differ by summation
     * order and because the device adds each square with fma(d, d, sum) where ScalarKernels rounds d*d first
     * (about one double ulp per term, ~1e-16 relative each), so the float results differ when those differences
     * straddle a float rounding boundary: at most one float ulp (6e-8 relative) in practice. 1e-6 is the
     * project's golden tolerance; the ulp statistic in the failure message shows how far inside it we are.
     */
    static final double REDUCTION_RTOL = 1e-6;

    /** Absolute floor for results that are (close to) zero, far below any float-representable error here. */
    static final double REDUCTION_ATOL = 1e-30;

    /**
     * Single-precision GEMM against a double product: the standard bound for a length-k float dot product is
     * gamma_k * sum |a||b| with gamma_k ~ k * 2^-24; twice that allows for the tile-order accumulation.
     */
    static double gemmTolerance(int k, double sumAbsProducts) {
        return 2.0 * k * Math.ulp(1.0f) / 2 * sumAbsProducts + 1e-30;
    }
}
