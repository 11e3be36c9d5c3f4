package dev.memscope.eval.membench;

/** Cosine similarity of float32 vectors, accumulated in float64; a zero vector has similarity 0 to everything. */
public final class Cosine {
    private Cosine() {
    }

    public static double of(float[] a, int offA, float[] b, int offB, int d) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < d; i++) {
            double x = a[offA + i];
            double y = b[offB + i];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return finish(dot, na, nb);
    }

    public static double of(float[] a, int offA, double[] b, int d) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < d; i++) {
            double x = a[offA + i];
            double y = b[i];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return finish(dot, na, nb);
    }

    private static double finish(double dot, double na, double nb) {
        if (na == 0 || nb == 0) {
            return 0;
        }
        double c = dot / Math.sqrt(na * nb);
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("cosine similarity is " + c + " (non-finite input)");
        }
        return c;
    }
}
