package dev.memscope.compare;

import dev.memscope.detect.DetectorCost;

/**
 * One detector's row of the comparison; {@code speedup} over full-denoising Wen is null when it did not run.
 * {@code tpr3Nearest}: TPR at the FPR nearest 3%, as the anisotropy authors' {@code detect_eval.py} reports it
 * ({@code np.argmin(np.abs(fpr - 0.03))}).
 */
public record ComparisonRow(String detector, DetectorCost cost, double passesPerPrompt, double auc,
                            double tprNearest, double tprBelow, double tpr3Nearest, double bestAccuracy,
                            double msPerPrompt,
                            Double speedup) {

    ComparisonRow withSpeedup(Double s) {
        return new ComparisonRow(detector, cost, passesPerPrompt, auc, tprNearest, tprBelow, tpr3Nearest, bestAccuracy,
                msPerPrompt, s);
    }
}
