package dev.memscope.detect;

/**
 * The declared cost of a detector. A forward pass is one denoiser evaluation of one latent under one condition at
 * one timestep (a classifier-free-guidance pair is two); {@link CountingDenoiser} counts them, and tests check the
 * count against this declaration: {@link #forwardPasses(int)} for a call that scores that many prompts.
 *
 * @param steps                  denoising steps run per image (0 for the denoising-free detectors)
 * @param imagesPerPrompt        initial noise latents per prompt
 * @param forwardPassesPerPrompt denoiser evaluations per prompt
 * @param sharedForwardPasses    evaluations a call spends once, whatever its number of prompts (anisotropy's
 *                               unconditional passes on the x_T every prompt shares)
 */
public record DetectorCost(int steps, int imagesPerPrompt, long forwardPassesPerPrompt, long sharedForwardPasses) {
    public DetectorCost(int steps, int imagesPerPrompt, long forwardPassesPerPrompt) {
        this(steps, imagesPerPrompt, forwardPassesPerPrompt, 0);
    }

    /** The evaluations of one call that scores {@code prompts} prompts. */
    public long forwardPasses(int prompts) {
        return prompts == 0 ? 0 : forwardPassesPerPrompt * prompts + sharedForwardPasses;
    }
}
