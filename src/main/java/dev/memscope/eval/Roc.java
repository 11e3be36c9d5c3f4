package dev.memscope.eval;

import java.util.Arrays;

/**
 * The ROC analysis of scores against boolean labels, where a higher score means "positive". Immutable.
 *
 * <h2>Definitions</h2>
 * <ul>
 * <li><b>AUC</b>: the Mann-Whitney statistic {@code P(s_pos > s_neg) + 1/2 P(s_pos = s_neg)}, computed from integer
 *   counts per distinct score (so it is exact up to one final division).</li>
 * <li><b>Curve</b>: scikit-learn's {@code roc_curve(drop_intermediate=True)}: one point per distinct score,
 *   thresholds descending ("predict positive iff score >= threshold"), points collinear with both neighbours in
 *   the (fps, tps) count plane dropped (first and last kept; only when there are more than two points), then the
 *   point (0, 0) with threshold {@code +inf} prepended. {@code fpr = fps / negatives}, {@code tpr = tps / positives}
 *   in float64, exactly as NumPy divides.</li>
 * <li><b>TPR at a target FPR</b>, three conventions in use (all on the dropped curve above):
 *   {@link #tprAtFprNearest} ({@code tpr[np.argmin(np.abs(fpr - target))]}: equally near points go to the first,
 *   so a vertical run of the curve at the nearest FPR gives its <i>lowest</i> TPR), {@link #tprAtFprBelow} (the last point with FPR strictly below the target; the (0, 0)
 *   point always qualifies, so this is 0 when no threshold reaches the target), and {@link #tprAtFprAtLeast}
 *   (the first point with FPR >= target: the CLiD authors' evaluation code).</li>
 * <li><b>Best accuracy</b>: the highest {@code (TP + TN) / n} over every threshold "score >= th" with th a distinct
 *   score or {@code +inf} (everything negative); ties go to the highest threshold.</li>
 * <li><b>Wen's balanced accuracy</b> {@link #wenBalancedAccuracy}: {@code np.max(1 - (fpr + (1 - tpr)) / 2)} over the
 *   curve points, the "ACC" of Wen et al.'s released detection notebook; it weighs both classes equally, unlike
 *   best accuracy, and the two differ whenever the classes differ in size.</li>
 * </ul>
 * Label sets with no positives or no negatives, non-finite scores and length mismatches are errors: a ROC curve
 * needs both classes, and a NaN AUC must never reach a report.
 */
public final class Roc {
    private final int positives;
    private final int negatives;
    private final double auc;
    private final double[] fpr;
    private final double[] tpr;
    private final double[] thresholds;
    private final double bestAccuracy;
    private final double bestAccuracyThreshold;

    private Roc(int positives, int negatives, double auc, double[] fpr, double[] tpr, double[] thresholds,
                double bestAccuracy, double bestAccuracyThreshold) {
        this.positives = positives;
        this.negatives = negatives;
        this.auc = auc;
        this.fpr = fpr;
        this.tpr = tpr;
        this.thresholds = thresholds;
        this.bestAccuracy = bestAccuracy;
        this.bestAccuracyThreshold = bestAccuracyThreshold;
    }

    /** Analyses {@code scores} (higher = positive) against {@code labels} (true = positive). */
    public static Roc of(double[] scores, boolean[] labels) {
        if (scores == null || labels == null) {
            throw new IllegalArgumentException("ROC: scores and labels must not be null");
        }
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("ROC: " + scores.length + " scores but " + labels.length + " labels");
        }
        int n = scores.length;
        int pos = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(scores[i])) {
                throw new IllegalArgumentException("ROC: score " + i + " is " + scores[i]
                        + " (scores must be finite)");
            }
            if (labels[i]) {
                pos++;
            }
        }
        int neg = n - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("ROC needs both classes: got " + pos + " positives and " + neg
                    + " negatives among " + n + " samples");
        }

        // Sort descending by score; ties are grouped, so their internal order does not matter.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // -0.0 and 0.0 compare equal (as in NumPy), hence Double.compare on the sum with 0.0.
        Arrays.sort(order, (a, b) -> Double.compare(scores[b] + 0.0, scores[a] + 0.0));

        // Full curve: cumulative counts at the end of each group of equal scores.
        int[] tpsAll = new int[n];
        int[] fpsAll = new int[n];
        double[] thrAll = new double[n];
        int groups = 0;
        int tp = 0;
        int fp = 0;
        long aucTwice = 0; // 2 * sum over negatives of (positives above + positives tied / 2)
        for (int i = 0; i < n; ) {
            double s = scores[order[i]];
            int gp = 0;
            int gn = 0;
            int j = i;
            while (j < n && scores[order[j]] == s) {
                if (labels[order[j]]) {
                    gp++;
                } else {
                    gn++;
                }
                j++;
            }
            aucTwice += (long) gn * (2L * tp + gp);
            tp += gp;
            fp += gn;
            tpsAll[groups] = tp;
            fpsAll[groups] = fp;
            thrAll[groups] = s;
            groups++;
            i = j;
        }
        double auc = aucTwice / (2.0 * pos * neg);

        // Best accuracy over +inf (all negative) and every distinct score.
        int bestCorrect = neg;
        double bestThr = Double.POSITIVE_INFINITY;
        for (int g = 0; g < groups; g++) {
            int correct = tpsAll[g] + (neg - fpsAll[g]);
            if (correct > bestCorrect) {
                bestCorrect = correct;
                bestThr = thrAll[g];
            }
        }

        // drop_intermediate: keep the ends and every point where the second difference of fps or tps is non-zero.
        int[] keep = new int[groups];
        int kept = 0;
        for (int g = 0; g < groups; g++) {
            boolean end = g == 0 || g == groups - 1;
            if (groups <= 2 || end
                    || fpsAll[g + 1] - 2 * fpsAll[g] + fpsAll[g - 1] != 0
                    || tpsAll[g + 1] - 2 * tpsAll[g] + tpsAll[g - 1] != 0) {
                keep[kept++] = g;
            }
        }
        double[] fpr = new double[kept + 1];
        double[] tpr = new double[kept + 1];
        double[] thr = new double[kept + 1];
        thr[0] = Double.POSITIVE_INFINITY;
        double fpLast = fpsAll[groups - 1];
        double tpLast = tpsAll[groups - 1];
        for (int i = 0; i < kept; i++) {
            int g = keep[i];
            fpr[i + 1] = fpsAll[g] / fpLast;
            tpr[i + 1] = tpsAll[g] / tpLast;
            thr[i + 1] = thrAll[g];
        }
        return new Roc(pos, neg, auc, fpr, tpr, thr, bestCorrect / (double) n, bestThr);
    }

    public int positives() {
        return positives;
    }

    public int negatives() {
        return negatives;
    }

    /** Mann-Whitney AUC, ties counting one half. */
    public double auc() {
        return auc;
    }

    /** False positive rates of the curve, non-decreasing from 0 to 1 (a copy). */
    public double[] fpr() {
        return fpr.clone();
    }

    /** True positive rates of the curve, non-decreasing from 0 to 1 (a copy). */
    public double[] tpr() {
        return tpr.clone();
    }

    /** Thresholds, descending; the first is {@code +inf} (a copy). */
    public double[] thresholds() {
        return thresholds.clone();
    }

    /**
     * TPR of the curve point whose FPR is nearest {@code target}, ties to the first point as NumPy's
     * {@code argmin} breaks them: {@code tpr[np.argmin(np.abs(fpr - target))]}, the form common in published
     * evaluation code. Equal distances happen between points on both sides (500 negatives: FPR 0.008 and 0.012 are
     * exactly 0.002 from 0.01 in float64) and along a vertical run of the curve (several points at one FPR), where
     * the first point is the run's lowest TPR: a perfect detector scores 0 here, since (0, 0) comes first.
     */
    public double tprAtFprNearest(double target) {
        checkTarget(target);
        int best = 0;
        double bestDist = Double.POSITIVE_INFINITY;
        for (int i = 0; i < fpr.length; i++) {
            double d = Math.abs(fpr[i] - target);
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return tpr[best];
    }

    /** TPR of the last curve point with FPR strictly below {@code target} (0 if only (0, 0) is). */
    public double tprAtFprBelow(double target) {
        checkTarget(target);
        int last = 0;
        for (int i = 0; i < fpr.length; i++) {
            if (fpr[i] < target) {
                last = i;
            }
        }
        return tpr[last];
    }

    /** TPR of the first curve point with FPR >= {@code target} (CLiD's evaluation code; exists since FPR ends at 1). */
    public double tprAtFprAtLeast(double target) {
        checkTarget(target);
        for (int i = 0; i < fpr.length; i++) {
            if (fpr[i] >= target) {
                return tpr[i];
            }
        }
        throw new AssertionError("the ROC curve ends at FPR 1");
    }

    /**
     * Wen et al.'s "ACC" (examples/det_mem_viz.ipynb of YuxinWenRick/diffusion_memorization, from the Tree-Ring
     * code): {@code np.max(1 - (fpr + (1 - tpr)) / 2)} over the curve points, i.e. the best balanced accuracy
     * (TPR + TNR) / 2, in NumPy's operation order. Not {@link #bestAccuracy()}, which counts samples.
     */
    public double wenBalancedAccuracy() {
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < fpr.length; i++) {
            best = Math.max(best, 1 - (fpr[i] + (1 - tpr[i])) / 2);
        }
        return best;
    }

    /** The best accuracy of a threshold rule "score >= th". */
    public double bestAccuracy() {
        return bestAccuracy;
    }

    /** The threshold of {@link #bestAccuracy()} ({@code +inf}: predicting all negative is best). */
    public double bestAccuracyThreshold() {
        return bestAccuracyThreshold;
    }

    private static void checkTarget(double target) {
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("target FPR must be in (0, 1], got " + target);
        }
    }

    @Override
    public String toString() {
        return String.format("Roc(pos=%d, neg=%d, auc=%.6f, points=%d)", positives, negatives, auc, fpr.length);
    }
}
