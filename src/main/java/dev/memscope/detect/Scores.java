package dev.memscope.detect;

/**
 * What a detector run produced: one finite score per prompt (in input order), the denoiser evaluations actually
 * counted, and the wall time.
 */
public record Scores(String detector, double[] values, long forwardPasses, long nanos) {

    public Scores {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalStateException(detector + ": score of prompt " + i + " is " + values[i]);
            }
        }
    }

    public double millisPerPrompt() {
        return values.length == 0 ? 0 : nanos / 1e6 / values.length;
    }
}
