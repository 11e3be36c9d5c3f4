package dev.memscope.detect;

import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Denoiser;
import dev.memscope.progress.Progress;

/**
 * What a detector runs on: the model (wrap it in a {@link CountingDenoiser} to count passes), the score kernels
 * of the chosen backend, how many latents one denoiser call may take, and where to report progress.
 */
public record DetectionContext(Denoiser model, ScoreKernels kernels, int batchSize, Progress progress) {

    public DetectionContext {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }
}
