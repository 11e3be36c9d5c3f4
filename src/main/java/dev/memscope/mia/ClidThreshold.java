package dev.memscope.mia;

import dev.memscope.eval.Roc;

/**
 * CLiD_th (Zhai et al., NeurIPS 2024), following the authors' released evaluation code:
 * <ol>
 * <li>per sample, the two terms {@link ClidFeatures#terms()}: the L-term {@code cond0} (the full-caption MSE,
 *   i.e. {@code -L}) and the D-term {@code -mean(D_j)}; both are lower for members;</li>
 * <li>a {@link RobustScaler} fitted on shadow members and hold-out together, applied to shadow and target;</li>
 * <li>score {@code (1 - alpha) S(L-term) + alpha S(D-term)} for alpha in 0.0, 0.1, ..., 1.0; the alpha with the
 *   highest shadow {@link ThresholdSweep#sweepAuc()} wins (the first on ties);</li>
 * <li>the shadow's best-accuracy threshold over a 2000-point sweep, applied unchanged to the target: the ASR;</li>
 * <li>target AUC and TPR at 1% FPR with the hold-out as the positive class on min-max normalized scores.</li>
 * </ol>
 */
public final class ClidThreshold {
    /** The alphas tried, as decimal literals (not i * 0.1, which gives 0.30000000000000004). */
    public static final double[] ALPHAS = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
    public static final double TARGET_FPR = 0.01;

    private ClidThreshold() {
    }

    public static ClidResult evaluate(ClidFeatures shadowMembers, ClidFeatures shadowHoldout,
                                      ClidFeatures targetMembers, ClidFeatures targetHoldout) {
        double[][] sm = shadowMembers.terms();
        double[][] sh = shadowHoldout.terms();
        requireBalanced(shadowMembers, shadowHoldout);
        RobustScaler scaler = RobustScaler.fit(concat(sm, sh));
        double[][] smS = scaler.transform(sm);
        double[][] shS = scaler.transform(sh);
        double[][] tmS = scaler.transform(targetMembers.terms());
        double[][] thS = scaler.transform(targetHoldout.terms());

        double bestAlpha = -1;
        double bestShadowAuc = 0;
        ThresholdSweep bestShadow = null;
        for (double alpha : ALPHAS) {
            ThresholdSweep s = ThresholdSweep.of(weigh(smS, alpha), weigh(shS, alpha));
            if (s.sweepAuc() > bestShadowAuc) {
                bestShadowAuc = s.sweepAuc();
                bestAlpha = alpha;
                bestShadow = s;
            }
        }
        if (bestShadow == null) {
            throw new IllegalArgumentException("CLiD: no alpha gives a shadow sweep AUC above 0 ("
                    + shadowMembers.source() + " vs " + shadowHoldout.source() + ")");
        }
        double[] tm = weigh(tmS, bestAlpha);
        double[] th = weigh(thS, bestAlpha);
        double asr = ThresholdSweep.accuracy(tm, th, bestShadow.threshold());
        ThresholdSweep targetSweep = ThresholdSweep.of(tm, th);

        Roc roc = HoldoutRoc.ofMinMax(tm, th);
        return new ClidResult(bestAlpha, bestShadow.threshold(), bestShadow.accuracy(), bestShadowAuc, asr,
                roc.auc(), roc.tprAtFprAtLeast(TARGET_FPR), roc.tprAtFprNearest(TARGET_FPR),
                roc.tprAtFprBelow(TARGET_FPR), targetSweep.sweepAuc());
    }

    /** {@code (1 - alpha) * l + alpha * d} per row, in the authors' operation order. */
    static double[] weigh(double[][] scaled, double alpha) {
        double[] out = new double[scaled.length];
        for (int i = 0; i < scaled.length; i++) {
            out[i] = (1 - alpha) * scaled[i][0] + alpha * scaled[i][1];
        }
        return out;
    }

    private static double[][] concat(double[][] a, double[][] b) {
        double[][] out = new double[a.length + b.length][];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The most one shadow class may outnumber the other. */
    static final int MAX_SHADOW_RATIO = 10;

    /**
     * The threshold is fit to maximize shadow accuracy, which on very unequal classes is won by calling everything
     * the larger class (1 member vs 2,499 hold-out samples fit a threshold that flags nothing, at 99.96% accuracy):
     * refuse such shadows, naming both files and sizes, rather than report a meaningless threshold.
     */
    static void requireBalanced(ClidFeatures members, ClidFeatures holdout) {
        int a = members.terms().length;
        int b = holdout.terms().length;
        if (Math.min(a, b) < 2 || Math.max(a, b) > (long) MAX_SHADOW_RATIO * Math.min(a, b)) {
            throw new IllegalArgumentException("CLiD: shadow classes of " + a + " (" + members.source() + ") and "
                    + b + " (" + holdout.source() + ") samples; the threshold needs at least 2 of each and at most "
                    + MAX_SHADOW_RATIO + " times as many of one as of the other");
        }
    }
}
