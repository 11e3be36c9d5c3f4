package dev.memscope.cli;

import dev.memscope.detect.AnisotropyPreset;
import dev.memscope.detect.DetectorSettings;
import dev.memscope.kernels.GuidanceVariant;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Detector settings shared by {@code compare} and {@code detect}: images per prompt, seed, and the anisotropy
 * preset, g, alignment space and cosine variant (docs/detectors.md, "Conventions and their sources").
 */
public final class DetectorOptions {
    @Option(names = "--images", paramLabel = "N", description = "images / generations per prompt for every "
            + "detector (default: each detector's paper default; --quick: 1, carlini 4)")
    Integer images;

    @Option(names = "--seed", paramLabel = "S", description = "noise seed of the detectors (default: each "
            + "detector's own: anisotropy and sharpness 20240, wen and carlini 0)")
    Long seed;

    @Option(names = "--preset", paramLabel = "P", description = "anisotropy formula: auto (default: sd1 for eps "
            + "models, sd2 for v models), sd1, sd2 (N on scores, A on raw v), rv (Realistic Vision: g = (2, 1), N "
            + "scaled by sqrt(abar)/(1-abar) = 0.0764)")
    String preset;

    @Option(names = "--g", paramLabel = "G1,G2", description = "anisotropy weights g1,g2 (default: the preset's)")
    String g;

    @Option(names = "--alignment", paramLabel = "MODE", description = "anisotropy cosine: uncond-guidance "
            + "(default, the authors' x,c|x), cond-uncond (x,x|c) or cond-guidance (x|c,c|x)")
    String alignment;

    @Option(names = "--alignment-space", paramLabel = "S", description = "outputs the anisotropy cosine is taken "
            + "on: raw or eps (default: the preset's; sd2 raw v)")
    String space;

    DetectorSettings settings() {
        if (images != null && images < 1) {
            throw new IllegalArgumentException("--images must be >= 1, got " + images);
        }
        AnisotropyPreset p = preset == null || preset.trim().equalsIgnoreCase("auto") ? null
                : AnisotropyPreset.parse(preset);
        return new DetectorSettings(images == null ? 0 : images, seed, parseG(g), p,
                space == null ? null : AnisotropyPreset.Space.parse(space), parseVariant(alignment));
    }

    private static GuidanceVariant parseVariant(String s) {
        if (s == null) {
            return null;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "x,c|x" -> GuidanceVariant.UNCOND_VS_GUIDANCE;
            case "x,x|c" -> GuidanceVariant.COND_VS_UNCOND;
            case "x|c,c|x" -> GuidanceVariant.COND_VS_GUIDANCE;
            default -> {
                try {
                    yield GuidanceVariant.parse(s);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--alignment: '" + s + "' is not uncond-guidance, "
                            + "cond-uncond or cond-guidance (or the authors' x,c|x, x,x|c, x|c,c|x)");
                }
            }
        };
    }

    private static double[] parseG(String s) {
        if (s == null) {
            return null;
        }
        String[] parts = s.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--g: '" + s + "' is not two numbers g1,g2");
        }
        double[] g = new double[2];
        for (int i = 0; i < 2; i++) {
            try {
                g[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--g: '" + parts[i].trim() + "' is not a number");
            }
            if (!Double.isFinite(g[i])) {
                throw new IllegalArgumentException("--g: g" + (i + 1) + " must be finite, got " + parts[i].trim());
            }
        }
        return g;
    }
}
