package dev.memscope.mia;

import dev.memscope.eval.Roc;

/**
 * The target-side ROC of the CLiD authors' scripts: members and hold-out pooled (members first), the
 * <b>hold-out as the positive class</b>, so scores must be larger for hold-out samples.
 */
final class HoldoutRoc {
    private HoldoutRoc() {
    }

    /** On the scores as given (CLiD_vec: the predicted hold-out probability). */
    static Roc of(double[] members, double[] holdout) {
        return Roc.of(pooled(members, holdout), labels(members.length, holdout.length));
    }

    /**
     * On the pooled scores min-max normalised, {@code (s - min) / (max - min)} per sample as the authors compute
     * it. Monotone, so the ranking is the raw one, except where rounding merges two nearly equal scores: kept to
     * reproduce their AUC and TPR to the last bit.
     */
    static Roc ofMinMax(double[] members, double[] holdout) {
        double[] p = pooled(members, holdout);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : p) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(max > min)) {
            throw new IllegalArgumentException("every target score equals " + min + "; no ROC to compute");
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = (p[i] - min) / (max - min);
        }
        return Roc.of(p, labels(members.length, holdout.length));
    }

    private static double[] pooled(double[] members, double[] holdout) {
        double[] p = new double[members.length + holdout.length];
        System.arraycopy(members, 0, p, 0, members.length);
        System.arraycopy(holdout, 0, p, members.length, holdout.length);
        return p;
    }

    private static boolean[] labels(int members, int holdout) {
        boolean[] l = new boolean[members + holdout];
        for (int i = members; i < l.length; i++) {
            l[i] = true;
        }
        return l;
    }
}
