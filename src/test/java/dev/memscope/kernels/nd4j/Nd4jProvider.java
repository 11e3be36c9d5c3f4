package dev.memscope.kernels.nd4j;

import dev.memscope.kernels.KernelProvider;
import dev.memscope.kernels.NonFinitePolicy;
import dev.memscope.kernels.ScoreKernels;

/**
 * Registers the ND4J float64 reference as backend {@code nd4j}. It lives in the test jar, so it is found
 * (through {@code src/test/resources/META-INF/services}) by the tests and the JMH suite, never by the CLI of
 * the main artifact.
 */
public final class Nd4jProvider implements KernelProvider {

    @Override
    public String name() {
        return "nd4j";
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public ScoreKernels create(NonFinitePolicy policy) {
        return new Nd4jKernels(policy);
    }

    @Override
    public int order() {
        return 30;
    }
}
