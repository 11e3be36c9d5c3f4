package dev.memscope.kernels.cpu;

/** Argument checks for {@link dev.memscope.kernels.Gemm} implementations: sizes and buffer lengths, named. */
public final class GemmChecks {
    private GemmChecks() {
    }

    /**
     * Throws {@link IllegalArgumentException} naming the operand at fault when a size is below 1, an index would
     * overflow an int, or a buffer is shorter than the shape needs (longer buffers are allowed, for reuse).
     */
    public static void check(String op, int m, int n, int k, float[] a, long aNeed, float[] b, long bNeed,
                             float[] c) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException(op + ": sizes must be >= 1, got m=" + m + ", n=" + n + ", k=" + k);
        }
        long cNeed = (long) m * n;
        if (aNeed > Integer.MAX_VALUE || bNeed > Integer.MAX_VALUE || cNeed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": m=" + m + ", n=" + n + ", k=" + k
                    + " needs more elements than one Java array holds");
        }
        need(op, "A", a, aNeed, m, n, k);
        need(op, "B", b, bNeed, m, n, k);
        need(op, "C", c, cNeed, m, n, k);
    }

    private static void need(String op, String name, float[] x, long need, int m, int n, int k) {
        if (x == null) {
            throw new IllegalArgumentException(op + ": matrix " + name + " is null");
        }
        if (x.length < need) {
            throw new IllegalArgumentException(op + ": matrix " + name + " has " + x.length + " floats but m=" + m
                    + ", n=" + n + ", k=" + k + " needs " + need);
        }
    }
}
