package dev.memscope.mia;

/**
 * What CLiD_th reports.
 *
 * @param alpha             the weight of the D-term, chosen by shadow sweep AUC
 * @param threshold         the shadow's best-accuracy threshold (scaled score units; lower = member)
 * @param shadowAccuracy    the shadow accuracy at that threshold
 * @param shadowSweepAuc    the shadow sweep AUC that chose alpha
 * @param targetAsr         attack success rate: target accuracy at the shadow threshold, applied unchanged
 * @param targetAuc         target AUC as the CLiD authors compute it: hold-out as the positive class, scores
 *                          min-max normalized, scikit-learn's roc_auc_score
 * @param targetTprAt1      target TPR at 1% FPR as the authors compute it: the first ROC point with FPR >= 0.01
 * @param targetTprNearest  the same curve, the point with FPR nearest 0.01
 * @param targetTprBelow    the same curve, the last point with FPR < 0.01
 * @param targetSweepAuc    the target's own threshold-sweep AUC (what the authors' script prints last)
 */
public record ClidResult(double alpha, double threshold, double shadowAccuracy, double shadowSweepAuc,
                         double targetAsr, double targetAuc, double targetTprAt1, double targetTprNearest,
                         double targetTprBelow, double targetSweepAuc) {
}
