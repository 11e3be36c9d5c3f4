package dev.memscope.kernels;

import dev.memscope.kernels.cpu.VectorKernels;
import dev.memscope.kernels.scalar.ScalarKernels;

/** The backends that ship in the main artifact and need nothing native. */
public final class BuiltinProviders {
    private BuiltinProviders() {
    }

    /** Java Vector API, multi-threaded. */
    public static final class Cpu implements KernelProvider {
        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public ScoreKernels create(NonFinitePolicy policy) {
            return new VectorKernels(policy);
        }

        @Override
        public int order() {
            return 10;
        }
    }

    /** Plain loops; the readable definition. */
    public static final class Scalar implements KernelProvider {
        @Override
        public String name() {
            return "scalar";
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public ScoreKernels create(NonFinitePolicy policy) {
            return new ScalarKernels(policy);
        }

        @Override
        public int order() {
            return 20;
        }
    }
}
