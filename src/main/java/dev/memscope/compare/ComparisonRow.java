package dev.memscope.compare;

import dev.memscope.detect.DetectorCost;

/** One detector's row of the comparison; {@code speedup} over full-denoising Wen is null when it did not run. */
public record ComparisonRow(String detector, DetectorCost cost, double passesPerPrompt, double auc,
                            double tprNearest, double tprBelow, double bestAccuracy, double msPerPrompt,
                            Double speedup) {

    ComparisonRow withSpeedup(Double s) {
        return new ComparisonRow(detector, cost, passesPerPrompt, auc, tprNearest, tprBelow, bestAccuracy,
                msPerPrompt, s);
    }
}
