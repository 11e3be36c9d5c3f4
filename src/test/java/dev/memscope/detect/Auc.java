package dev.memscope.detect;

/** Mann-Whitney AUC for the detector tests (ties count one half); the real ROC metrics live in dev.memscope.eval. */
final class Auc {
    private Auc() {
    }

    static double of(double[] pos, double[] neg) {
        double s = 0;
        for (double p : pos) {
            for (double n : neg) {
                s += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return s / ((double) pos.length * neg.length);
    }
}
