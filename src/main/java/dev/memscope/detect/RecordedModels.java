package dev.memscope.detect;

import dev.memscope.model.Denoiser;
import dev.memscope.model.RecordedNoise;
import dev.memscope.tensor.TensorF32;

/**
 * Applies a model's {@link RecordedNoise} ({@link Denoiser#recording()}): the detectors' initial latents come from
 * the recording when there is one, from seeds otherwise.
 */
public final class RecordedModels {
    private RecordedModels() {
    }

    /** Throws, naming what is missing, when the model is a recording that cannot serve the detector. */
    public static void requireServable(Detector detector, Denoiser model) {
        RecordedNoise r = model.recording().orElse(null);
        if (r == null) {
            return;
        }
        detector.needs().unmetBy(r.recorded()).ifPresent(why -> {
            throw new IllegalArgumentException(detector.name() + " cannot run on this replay: " + why);
        });
    }

    /** The recorded initial latents of the given (prompt, image) items, stacked {@code [n, C, H, W]}. */
    static TensorF32 initialNoise(RecordedNoise r, Denoiser model, String[] prompts, int[] images) {
        int per = model.channels() * model.height() * model.width();
        float[] d = new float[prompts.length * per];
        for (int i = 0; i < prompts.length; i++) {
            TensorF32 one = r.initialNoise(prompts[i], images[i]);
            if (one.data().length != per) {
                throw new IllegalStateException("recorded noise of '" + prompts[i] + "' has shape " + one.shape()
                        + ", the model's latent is " + model.channels() + "x" + model.height() + "x" + model.width());
            }
            System.arraycopy(one.data(), 0, d, i * per, per);
        }
        return new TensorF32(new dev.memscope.tensor.Shape(prompts.length, model.channels(), model.height(),
                model.width()), d);
    }
}
