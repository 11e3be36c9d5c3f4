package dev.memscope.detect;

import dev.memscope.model.PredictionType;
import java.util.Locale;

/**
 * How the anisotropy authors score each model family, transcribed from their code
 * (rohanasthana/memorization-anisotropy, {@code local_model/pipe.py} and {@code detect_eval.py}):
 * <ul>
 * <li>{@code sd1} (Stable Diffusion 1.x, eps): N = {@code ||eps_c - eps_u||} at t = 981; A on eps; g = (1, 2);</li>
 * <li>{@code sd2} (Stable Diffusion 2, v): the {@code sd_ver != 1} branch turns outputs into scores,
 *   {@code (sqrt(abar) out - x) / (1 - abar)}, so N = {@code sqrt(abar)/(1 - abar) ||v_c - v_u||}; the cosine is
 *   taken on the <em>raw</em> v outputs; g = (1, 0.1);</li>
 * <li>{@code rv} (Realistic Vision 5.1, an SD 1.5 fine-tune, eps, {@code --sd_ver 99}): the same score branch as
 *   sd2 applied to eps outputs, so N = {@code sqrt(abar)/(1 - abar) ||eps_c - eps_u||}; at t = 981 that factor is
 *   0.0764 (the "0.0764 norm scaling"); A on the raw (eps) outputs; g = (2, 1).</li>
 * </ul>
 * The preset fixes the formula; {@link AnisotropySettings} may still override g, the alignment space and variant.
 */
public enum AnisotropyPreset {
    SD1(false, Space.EPS, 1, 2),
    SD2(true, Space.RAW, 1, 0.1),
    RV(true, Space.RAW, 2, 1);

    /** Which outputs the alignment cosine A is taken on. */
    public enum Space {
        /** eps (v outputs converted with V_TO_EPS first). */
        EPS,
        /** The model's raw outputs (v for a v model, eps for an eps model). */
        RAW;

        public static Space parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--alignment-space: '" + s + "' is not eps or raw");
            }
        }
    }

    /** Whether N carries the score factor {@code sqrt(abar)/(1 - abar)} on the raw output difference. */
    public final boolean scoreScaledNorm;
    public final Space alignmentSpace;
    public final double g1;
    public final double g2;

    AnisotropyPreset(boolean scoreScaledNorm, Space alignmentSpace, double g1, double g2) {
        this.scoreScaledNorm = scoreScaledNorm;
        this.alignmentSpace = alignmentSpace;
        this.g1 = g1;
        this.g2 = g2;
    }

    /** The preset a model's prediction type implies when none is named: v -> sd2, eps -> sd1. */
    public static AnisotropyPreset forPrediction(PredictionType p) {
        return p == PredictionType.V_PREDICTION ? SD2 : SD1;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses sd1, sd2, rv (case-insensitive); the error names the value and the choices. */
    public static AnisotropyPreset parse(String s) {
        for (AnisotropyPreset p : values()) {
            if (p.cliName().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("--preset: '" + s + "' is not one of auto, sd1, sd2, rv");
    }
}
