package dev.memscope.mitigate;

import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Denoiser;
import java.util.List;

/**
 * What a mitigation works with: the model (lab or real), the kernels of the chosen backend, the training set it may
 * search, a vocabulary for random-token insertion, and the sampler's settings (guidance s0 and step count).
 */
public record MitigationContext(Denoiser model, ScoreKernels kernels, TrainingImages training,
                                List<String> vocabulary, double guidance, int steps) {
    public MitigationContext {
        if (!(guidance > 1) || !Double.isFinite(guidance)) {
            throw new IllegalArgumentException("mitigation: guidance scale must be finite and > 1, got " + guidance);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("mitigation: steps must be >= 1, got " + steps);
        }
        vocabulary = List.copyOf(vocabulary);
    }
}
