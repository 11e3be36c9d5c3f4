package dev.memscope.source;

import dev.memscope.model.Denoiser;
import dev.memscope.model.RecordedNoise;
import java.util.Optional;

/**
 * What a source's model can do beyond predicting noise: exact Jacobian-vector products (exact sharpness), answering
 * only from a recording (then detectors must fit what was recorded), and cross-attention maps (no source exposes
 * them yet; the flag is here so attention-based detectors can be refused in the same place when they come).
 */
public record Capabilities(boolean exactJacobian, Optional<RecordedNoise.Recorded> recording, boolean attention) {

    /** The capabilities a denoiser declares ({@link Denoiser#exactJacobian()}, {@link Denoiser#recording()}). */
    public static Capabilities of(Denoiser model) {
        return new Capabilities(model.exactJacobian().isPresent(), model.recording().map(RecordedNoise::recorded),
                false);
    }

    /** Whether the model can be evaluated at any latent (lab, ONNX), not only at recorded ones (replay). */
    public boolean evaluatesAnywhere() {
        return recording.isEmpty();
    }
}
