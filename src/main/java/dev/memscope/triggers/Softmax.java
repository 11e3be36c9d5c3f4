package dev.memscope.triggers;

import java.util.Random;

/** Draws an index from softmax(scores / temperature), stably (the maximum is subtracted first). */
final class Softmax {
    private Softmax() {
    }

    static int draw(double[] scores, double temperature, Random rng) {
        double[] p = probabilities(scores, temperature);
        double u = rng.nextDouble();
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u < 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    static double[] probabilities(double[] scores, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("softmax over a non-finite score " + s);
            }
            max = Math.max(max, s);
        }
        double[] p = new double[scores.length];
        double z = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((scores[i] - max) / temperature);
            z += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= z;
        }
        return p;
    }
}
