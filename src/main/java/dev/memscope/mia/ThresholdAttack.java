package dev.memscope.mia;

import dev.memscope.eval.Roc;
import java.util.Locale;

/**
 * A one-score threshold attack (the PIA, SecMI and PFAMI rows), calibrated as the CLiD authors' baseline script
 * does: scores where <b>larger means hold-out</b>; on the pooled shadow scores the first best-accuracy threshold of
 * the 2,000-point {@link ThresholdSweep} (member iff score <= threshold); the target ASR is the accuracy at that
 * threshold, AUC and TPR@1%FPR come from the target's min-max normalised scores with the hold-out positive.
 */
public final class ThresholdAttack {
    public static final double TARGET_FPR = 0.01;

    private ThresholdAttack() {
    }

    public static AttackRow evaluate(String method, int queries, double[] shadowMembers, double[] shadowHoldout,
                                     double[] targetMembers, double[] targetHoldout) {
        ThresholdSweep shadow = ThresholdSweep.of(shadowMembers, shadowHoldout);
        double asr = ThresholdSweep.accuracy(targetMembers, targetHoldout, shadow.threshold());
        Roc roc = HoldoutRoc.ofMinMax(targetMembers, targetHoldout);
        String calibration = String.format(Locale.ROOT, "threshold %.6g (shadow accuracy %.4f)",
                shadow.threshold(), shadow.accuracy());
        return new AttackRow(method, queries, asr, roc.auc(), roc.tprAtFprAtLeast(TARGET_FPR), calibration);
    }

    /** Scores negated, for an attack whose raw scores run the other way (PFAMI: members score higher). */
    public static double[] negated(double[] scores) {
        double[] out = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = -scores[i];
        }
        return out;
    }
}
