package dev.memscope.detect;

import java.util.List;

/**
 * A memorization detector: one score per prompt, higher meaning more likely memorized. Every detector works on
 * any {@link dev.memscope.model.Denoiser} and reports what it cost in denoiser evaluations, because speed claims
 * are made in forward passes as well as in time.
 */
public interface Detector {

    /** Short name used on the command line and in reports, e.g. {@code anisotropy}, {@code wen-full}. */
    String name();

    /** What one prompt costs: denoising steps, images, forward passes (declared, checked against the count). */
    DetectorCost cost();

    /**
     * The cost on this model: {@link #cost()} unless the detector shares work across prompts where the model
     * allows it (anisotropy's unconditional passes on a shared x_T; a recording answers per prompt instead).
     */
    default DetectorCost cost(dev.memscope.model.Denoiser model) {
        return cost();
    }

    /**
     * What the detector asks of its model, so a replay of recorded tensors can say up front whether it can serve
     * it. The default claims evaluations at arbitrary inputs, which no recording serves.
     */
    default DetectorNeeds needs() {
        return DetectorNeeds.beyondRecording(cost().imagesPerPrompt(), "model evaluations at arbitrary inputs");
    }

    /**
     * Whether the detector reads cross-attention maps ({@link dev.memscope.model.Denoiser#crossAttention()}), so
     * sources without them can refuse it up front.
     */
    default boolean needsAttention() {
        return false;
    }

    /** Scores every prompt (batched as {@code ctx.batchSize()} allows); never returns a non-finite score. */
    Scores score(List<String> prompts, DetectionContext ctx);
}
