package dev.memscope.detect;

/**
 * The declared cost of a detector per prompt. A forward pass is one denoiser evaluation of one latent under one
 * condition at one timestep (a classifier-free-guidance pair is two); {@link CountingDenoiser} counts them, and
 * tests check the count against this declaration.
 *
 * @param steps                  denoising steps run per image (0 for the denoising-free detectors)
 * @param imagesPerPrompt        initial noise latents per prompt
 * @param forwardPassesPerPrompt denoiser evaluations per prompt
 */
public record DetectorCost(int steps, int imagesPerPrompt, long forwardPassesPerPrompt) {
}
