package dev.memscope.tensor;

import java.util.Locale;

/**
 * Refuses, before allocating, sizes the JVM heap cannot hold, with the estimate: an OutOfMemoryError minutes into a
 * run names nothing, while "needs 9.8 GiB, the heap can grow to 4.0 GiB" says what to change.
 */
public final class HeapBudget {
    private HeapBudget() {
    }

    /** Throws when {@code bytes} more cannot fit in what the heap may still grow to. */
    public static void require(String what, long bytes) {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        long available = rt.maxMemory() - used;
        if (bytes > available) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s needs about %s of memory; the JVM "
                    + "heap has %s left of %s (raise it with MEMSCOPE_JAVA_OPTS=-Xmx..., or choose smaller sizes)",
                    what, gib(bytes), gib(available), gib(rt.maxMemory())));
        }
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
