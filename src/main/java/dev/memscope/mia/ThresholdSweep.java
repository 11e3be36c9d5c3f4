package dev.memscope.mia;

/**
 * CLiD's threshold sweep over scores where <b>lower means member</b>: the thresholds are NumPy's
 * {@code arange(min, max, (max - min) / points)} over the pooled scores (so {@code points} or {@code points + 1}
 * values, the maximum itself excluded; element i is {@code min + i * ((min + step) - min)} as NumPy fills it),
 * a sample is called a member when its score is {@code <= threshold}, and the best threshold is the first with the
 * highest accuracy. The AUC here is the trapezoid area under the swept (FPR, TPR) points, as the authors' code
 * computes it to choose alpha (it is not the exact Mann-Whitney AUC: the sweep starts and ends inside the data).
 */
public final class ThresholdSweep {
    /** Thresholds in the authors' sweep. */
    public static final int POINTS = 2000;

    private final double threshold;
    private final double accuracy;
    private final double sweepAuc;
    private final int count;

    private ThresholdSweep(double threshold, double accuracy, double sweepAuc, int count) {
        this.threshold = threshold;
        this.accuracy = accuracy;
        this.sweepAuc = sweepAuc;
        this.count = count;
    }

    public static ThresholdSweep of(double[] members, double[] holdout) {
        return of(members, holdout, POINTS);
    }

    public static ThresholdSweep of(double[] members, double[] holdout, int points) {
        if (members.length == 0 || holdout.length == 0) {
            throw new IllegalArgumentException("threshold sweep needs members and hold-out samples: got "
                    + members.length + " members and " + holdout.length + " hold-out");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] a : new double[][] {members, holdout}) {
            for (int i = 0; i < a.length; i++) {
                if (!Double.isFinite(a[i])) {
                    throw new IllegalArgumentException("threshold sweep: score " + i + " is " + a[i]);
                }
                min = Math.min(min, a[i]);
                max = Math.max(max, a[i]);
            }
        }
        double[] grid = grid(min, max, points);
        if (grid.length == 0) {
            throw new IllegalArgumentException("threshold sweep: every score equals " + min
                    + "; the scores cannot separate members from hold-out");
        }
        double bestAcc = 0;
        double bestTh = 0;
        double[] fpr = new double[grid.length];
        double[] tpr = new double[grid.length];
        int n = members.length + holdout.length;
        for (int g = 0; g < grid.length; g++) {
            double th = grid[g];
            int tp = 0;
            for (double v : members) {
                if (v <= th) {
                    tp++;
                }
            }
            int fp = 0;
            for (double v : holdout) {
                if (v <= th) {
                    fp++;
                }
            }
            int tn = holdout.length - fp;
            tpr[g] = tp / (double) members.length;
            fpr[g] = fp / (double) holdout.length;
            double acc = (tp + tn) / (double) n;
            if (acc > bestAcc) {
                bestAcc = acc;
                bestTh = th;
            }
        }
        double area = 0;
        for (int g = 0; g + 1 < grid.length; g++) {
            area += (fpr[g + 1] - fpr[g]) * (tpr[g + 1] + tpr[g]) / 2.0;
        }
        return new ThresholdSweep(bestTh, bestAcc, area, grid.length);
    }

    /** NumPy's float arange: length ceil((stop - start) / step), element i = start + i * ((start + step) - start). */
    static double[] grid(double start, double stop, int points) {
        double step = (stop - start) / points;
        if (!(step > 0)) {
            return new double[0];
        }
        int len = (int) Math.ceil((stop - start) / step);
        double delta = (start + step) - start;
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = start + i * delta;
        }
        return out;
    }

    /** Member fraction correctly split by {@code threshold}: (members <= th) + (hold-out > th), over all. */
    public static double accuracy(double[] members, double[] holdout, double threshold) {
        int correct = 0;
        for (double v : members) {
            if (v <= threshold) {
                correct++;
            }
        }
        for (double v : holdout) {
            if (v > threshold) {
                correct++;
            }
        }
        return correct / (double) (members.length + holdout.length);
    }

    public double threshold() {
        return threshold;
    }

    public double accuracy() {
        return accuracy;
    }

    public double sweepAuc() {
        return sweepAuc;
    }

    /** How many thresholds were tried. */
    public int thresholds() {
        return count;
    }
}
