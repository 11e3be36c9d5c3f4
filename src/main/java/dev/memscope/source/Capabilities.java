package dev.memscope.source;

import dev.memscope.model.Denoiser;
import dev.memscope.model.RecordedNoise;
import java.util.Optional;

/**
 * What a source's model can do beyond predicting noise: exact Jacobian-vector products (exact sharpness), answering
 * only from a recording (then detectors must fit what was recorded), and cross-attention maps (the testbed's ONNX
 * UNet exports them; the lab and replays have none, and attention-based detectors are refused there).
 */
public record Capabilities(boolean exactJacobian, Optional<RecordedNoise.Recorded> recording, boolean attention) {

    /** The capabilities a denoiser declares ({@link Denoiser#exactJacobian()}, {@link Denoiser#recording()},
     * {@link Denoiser#crossAttention()}). */
    public static Capabilities of(Denoiser model) {
        return new Capabilities(model.exactJacobian().isPresent(), model.recording().map(RecordedNoise::recorded),
                model.crossAttention().isPresent());
    }

    /** Whether the model can be evaluated at any latent (lab, ONNX), not only at recorded ones (replay). */
    public boolean evaluatesAnywhere() {
        return recording.isEmpty();
    }
}
