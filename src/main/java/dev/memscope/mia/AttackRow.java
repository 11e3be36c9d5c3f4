package dev.memscope.mia;

/**
 * One row of the CLiD paper's table 2: an attack calibrated on the shadow model and applied unchanged to the
 * target model.
 *
 * @param method      PIA, SecMI, PFAMI, CLiD_th or CLiD_vec
 * @param queries     UNet forward passes per sample the attack spent to make its features (the authors' counts)
 * @param asr         target accuracy of the shadow-calibrated decision rule
 * @param auc         target AUC, hold-out as the positive class
 * @param tprAt1Fpr   target TPR of the first ROC point with FPR >= 1% (the authors' convention)
 * @param calibration what was carried over from the shadow model, in words (threshold, alpha, seed)
 */
public record AttackRow(String method, int queries, double asr, double auc, double tprAt1Fpr, String calibration) {
}
