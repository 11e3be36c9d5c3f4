package dev.memscope.kernels;

import dev.memscope.kernels.nd4j.Nd4jKernels;

import java.util.List;
import java.util.stream.Collectors;

/** Which backends a test runs against: every one available on this machine (cuda only where a driver is). */
public final class TestBackends {
    public static final String REFERENCE = "nd4j";

    static {
        Nd4jKernels.useOneThread();
    }

    private TestBackends() {
    }

    /** Every available backend but the float64 reference: scalar, cpu, and cuda where present. */
    public static List<String> underTest() {
        return Backends.availableNames().stream().filter(n -> !n.equals(REFERENCE)).collect(Collectors.toList());
    }

    /** Every available backend, the reference included (argument checks are the same for all). */
    public static List<String> all() {
        return Backends.availableNames();
    }

    /** The oracle, with its float64 entry points. */
    public static Nd4jKernels reference() {
        return (Nd4jKernels) Backends.create(REFERENCE, NonFinitePolicy.REJECT);
    }
}
