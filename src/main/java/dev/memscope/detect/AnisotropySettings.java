package dev.memscope.detect;

import dev.memscope.kernels.GuidanceVariant;
import dev.memscope.model.PredictionType;

/**
 * Everything the anisotropy detector can be told: images per prompt, the x_T seed, g = {g1, g2}, the preset, the
 * space A is taken in and the cosine variant. Null fields mean "the preset's" (g, space) or "from the model's
 * prediction type" (preset); a null variant is the paper's {@code uncond-guidance} (mode {@code x,c|x}).
 */
public record AnisotropySettings(int images, long seed, double[] weights, AnisotropyPreset preset,
                                 AnisotropyPreset.Space space, GuidanceVariant variant) {
    public AnisotropySettings {
        if (images < 1) {
            throw new IllegalArgumentException("anisotropy: images per prompt must be >= 1, got " + images);
        }
        if (weights != null) {
            if (weights.length != 2 || !Double.isFinite(weights[0]) || !Double.isFinite(weights[1])) {
                throw new IllegalArgumentException("anisotropy: g must be two finite numbers g1,g2");
            }
            weights = weights.clone();
        }
        if (variant == null) {
            variant = GuidanceVariant.UNCOND_VS_GUIDANCE;
        }
    }

    AnisotropySettings withWeights(double[] g) {
        return new AnisotropySettings(images, seed, g, preset, space, variant);
    }

    public AnisotropyPreset presetFor(PredictionType p) {
        return preset != null ? preset : AnisotropyPreset.forPrediction(p);
    }

    public AnisotropyPreset.Space spaceFor(PredictionType p) {
        return space != null ? space : presetFor(p).alignmentSpace;
    }

    public double[] weightsFor(PredictionType p) {
        if (weights != null) {
            return weights.clone();
        }
        AnisotropyPreset pr = presetFor(p);
        return new double[] {pr.g1, pr.g2};
    }
}
