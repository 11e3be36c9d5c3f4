package dev.memscope.model;

import dev.memscope.tensor.TensorF32;
import java.util.Set;

/**
 * A model that can only be evaluated where it was recorded (a replay of tensors saved from a real model) supplies
 * the initial noise it was recorded with, and says what it recorded. Detectors draw their own noise from seeds;
 * when their model implements this, they take the recorded latents instead, and refuse up front (naming what is
 * missing) when the recording cannot answer what they would ask. Models that can be evaluated anywhere (the lab,
 * ONNX) do not implement it.
 */
public interface RecordedNoise {

    /** The pure-noise latent {@code [1, C, H, W]} that image {@code image} of {@code prompt} started from. */
    TensorF32 initialNoise(String prompt, int image);

    /** What the recording holds. */
    Recorded recorded();

    /**
     * @param pureNoiseTimesteps timesteps at which eps_u and eps_c were recorded on the pure-noise latent
     * @param trajectorySteps    steps of the recorded CFG DDIM trajectory (x_t, eps_u, eps_c per step), 0 for none
     * @param guidance           guidance scale of that trajectory (NaN without one)
     * @param imagesPerPrompt    pure-noise latents recorded per prompt
     */
    record Recorded(Set<Integer> pureNoiseTimesteps, int trajectorySteps, double guidance, int imagesPerPrompt) {
        public Recorded {
            pureNoiseTimesteps = Set.copyOf(pureNoiseTimesteps);
        }
    }
}
