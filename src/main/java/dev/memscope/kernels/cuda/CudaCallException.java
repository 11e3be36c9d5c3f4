package dev.memscope.kernels.cuda;

import jcuda.driver.CUresult;

/** A CUDA driver call failed. The message names the call, and for launches the kernel, grid and tensor sizes. */
public final class CudaCallException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int result;

    CudaCallException(int result, String what) {
        super(what + " failed: " + CUresult.stringFor(result) + " (" + result + ")");
        this.result = result;
    }

    /** The driver's {@code CUresult} code. */
    public int result() {
        return result;
    }

    /** Throws unless {@code result} is {@code CUDA_SUCCESS}; {@code what} is built only on failure. */
    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaCallException(result, what);
        }
    }

    static void check(int result, java.util.function.Supplier<String> what) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new CudaCallException(result, what.get());
        }
    }
}
