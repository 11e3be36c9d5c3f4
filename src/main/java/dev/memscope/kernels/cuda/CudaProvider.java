package dev.memscope.kernels.cuda;

import dev.memscope.kernels.KernelProvider;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.ScoreKernels;

/** The {@code cuda} backend for {@link dev.memscope.kernels.Backends}: available when a driver, device and fatbin are. */
public final class CudaProvider implements KernelProvider {
    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String unavailableReason() {
        return CudaAvailability.unavailableReason();
    }

    @Override
    public ScoreKernels create(NonFinitePolicy policy) {
        return new CudaKernels(policy);
    }

    @Override
    public int order() {
        return 5;
    }
}
