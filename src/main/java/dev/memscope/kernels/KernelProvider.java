package dev.memscope.kernels;

/**
 * A backend that {@link Backends} can choose by name. Providers are found with {@link java.util.ServiceLoader},
 * so a backend that lives outside the main artifact (the ND4J float64 reference in the test jar) appears
 * wherever its jar is on the class path, and nowhere else.
 */
public interface KernelProvider {

    /** The name used with {@code --backend}. */
    String name();

    /** Null when the backend can run here, otherwise why it cannot (no CUDA driver, say). */
    String unavailableReason();

    ScoreKernels create(NonFinitePolicy policy);

    /** Order in listings: lower first. */
    default int order() {
        return 100;
    }
}
