package dev.memscope.kernels.cpu;

/**
 * How many threads one cpu-backend instance (kernels, GEMM) uses: one per processor unless the system property
 * {@value #PROPERTY} says otherwise. A process that runs several scorers side by side (a Spark executor with one
 * task slot per core) sets it to its share, so the slots do not each start a thread per core and fight over them.
 */
public final class CpuThreads {
    public static final String PROPERTY = "memscope.cpu.threads";

    private CpuThreads() {
    }

    public static int configured() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": expected a whole number of threads");
        }
        if (n < 1) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": at least 1 thread");
        }
        return n;
    }
}
