package dev.memscope.detect;

import dev.memscope.kernels.GuidanceVariant;

/**
 * Detector settings from the command line ({@code compare}, {@code detect}): images (or generations) per prompt
 * (0 = the detector's default), the noise seed (null = the detector's default), and the anisotropy settings g,
 * preset, alignment space and cosine variant (null = the preset's; they apply to {@code anisotropy},
 * {@code anisotropy-n} and {@code anisotropy-a} only).
 */
public record DetectorSettings(int images, Long seed, double[] g, AnisotropyPreset preset,
                               AnisotropyPreset.Space space, GuidanceVariant variant) {
    public static final DetectorSettings DEFAULTS = new DetectorSettings(0, null, null, null, null, null);

    public DetectorSettings {
        if (images < 0) {
            throw new IllegalArgumentException("images per prompt must be >= 0 (0 = default), got " + images);
        }
        if (g != null) {
            if (g.length != 2 || !Double.isFinite(g[0]) || !Double.isFinite(g[1])) {
                throw new IllegalArgumentException("--g must be two finite numbers g1,g2");
            }
            g = g.clone();
        }
    }

    public DetectorSettings withImages(int n) {
        return new DetectorSettings(n, seed, g, preset, space, variant);
    }

    /** Whether any anisotropy-only setting is given (an error for other detectors in {@code detect}). */
    public boolean setsAnisotropy() {
        return g != null || preset != null || space != null || variant != null;
    }

    AnisotropySettings anisotropy(int n) {
        return new AnisotropySettings(n, seed != null ? seed : AnisotropyDetector.DEFAULT_SEED, g, preset, space,
                variant);
    }

    long seedOr(long dflt) {
        return seed != null ? seed : dflt;
    }
}
