package dev.memscope.detect;

import dev.memscope.diffusion.DdimSampler;
import java.util.List;

/**
 * The detectors by name, in the order of their papers, each with its paper's defaults as adapted to the lab:
 * <ul>
 * <li>{@code anisotropy}: 1 shared pure-noise image, 4 passes;</li>
 * <li>{@code wen-first}: 4 generations, first step, 8 passes;</li>
 * <li>{@code wen-full}: 4 generations, 50 steps, 400 passes;</li>
 * <li>{@code sharpness}: 4 shared images (n = 4, the authors' README runs {@code detect_mem.py --gen_num 4}), exact
 *   JVP (needs a {@link dev.memscope.model.JacobianDenoiser}), 16 passes; {@code sharpness-fd} (not in
 *   {@link #names()}): central differences for black-box models, 24 passes;</li>
 * <li>{@code anisotropy-n}, {@code anisotropy-a} (not in {@link #names()}): anisotropy's two terms alone;</li>
 * <li>{@code carlini}: 8 generations, 50 steps, 800 passes;</li>
 * <li>{@code ren-entropy}, {@code ren-bos} (not in {@link #names()}: only models exposing cross-attention run them):
 *   Ren et al.'s attention entropy / attention off BOS at the first DDIM step, 1 image, 1 pass.</li>
 * </ul>
 * {@link #create(String, int)} overrides the images / generations per prompt (the quick comparison lowers them).
 */
public final class Detectors {
    private static final List<String> NAMES = List.of("anisotropy", "wen-first", "wen-full", "sharpness", "carlini");

    private Detectors() {
    }

    /** The detectors of the comparison, in paper order. */
    public static List<String> names() {
        return NAMES;
    }

    /** A detector with its paper's defaults. */
    public static Detector create(String name) {
        return create(name, 0);
    }

    /** The paper's default images (or generations) per prompt. */
    public static int defaultImages(String name) {
        return switch (canonical(name)) {
            case "anisotropy", "anisotropy-n", "anisotropy-a" -> 1;
            case "sharpness", "sharpness-fd" -> SharpnessDetector.DEFAULT_IMAGES;
            case "wen-first", "wen-full" -> WenDetector.DEFAULT_GENERATIONS;
            case "carlini" -> CarliniDetector.DEFAULT_GENERATIONS;
            case "ren-entropy", "ren-bos" -> RenAttentionDetector.DEFAULT_IMAGES;
            default -> throw unknown(name);
        };
    }

    /**
     * Images / generations per prompt for a quick run (the CLI's {@code --quick}): 1 for every detector but carlini,
     * which needs pairs and keeps 4 (6 pairs).
     */
    public static int quickImages(String name) {
        String key = canonical(name);
        defaultImages(key);
        return key.equals("carlini") ? 4 : 1;
    }

    /** A detector with the quick settings of {@link #quickImages(String)}. */
    public static Detector createQuick(String name) {
        return create(name, quickImages(name));
    }

    /** A detector with {@code images} images / generations per prompt; 0 keeps the paper's default. */
    public static Detector create(String name, int images) {
        return create(name, DetectorSettings.DEFAULTS.withImages(images));
    }

    /**
     * A detector with command-line settings: images (0 = default), seed (null = default) and, for the anisotropy
     * family, g, preset, alignment space and variant.
     */
    public static Detector create(String name, DetectorSettings s) {
        String key = canonical(name);
        int n = s.images() == 0 ? defaultImages(key) : s.images();
        return switch (key) {
            case "anisotropy" -> new AnisotropyDetector(s.anisotropy(n));
            case "anisotropy-n" -> AnisotropyDetector.term("n", s.anisotropy(n));
            case "anisotropy-a" -> AnisotropyDetector.term("a", s.anisotropy(n));
            case "wen-first" -> new WenDetector(0, 1, DdimSampler.DEFAULT_STEPS, n, s.seedOr(WenDetector.DEFAULT_SEED),
                    DdimSampler.DEFAULT_GUIDANCE);
            case "wen-full" -> new WenDetector(0, DdimSampler.DEFAULT_STEPS, DdimSampler.DEFAULT_STEPS, n,
                    s.seedOr(WenDetector.DEFAULT_SEED), DdimSampler.DEFAULT_GUIDANCE);
            case "sharpness" -> new SharpnessDetector(n, s.seedOr(SharpnessDetector.DEFAULT_SEED),
                    SharpnessDetector.Mode.EXACT);
            case "sharpness-fd" -> new SharpnessDetector(n, s.seedOr(SharpnessDetector.DEFAULT_SEED),
                    SharpnessDetector.Mode.FINITE_DIFFERENCE);
            case "carlini" -> new CarliniDetector(n, CarliniDetector.DEFAULT_THRESHOLD,
                    s.seedOr(CarliniDetector.DEFAULT_SEED));
            case "ren-entropy" -> new RenAttentionDetector(n, s.seedOr(RenAttentionDetector.DEFAULT_SEED),
                    RenAttentionDetector.Statistic.ENTROPY);
            case "ren-bos" -> new RenAttentionDetector(n, s.seedOr(RenAttentionDetector.DEFAULT_SEED),
                    RenAttentionDetector.Statistic.BOS);
            default -> throw unknown(name);
        };
    }

    /** Whether a detector reads the anisotropy-only settings (g, preset, space, variant). */
    public static boolean isAnisotropy(String name) {
        return canonical(name).startsWith("anisotropy");
    }

    private static String canonical(String name) {
        if (name == null) {
            throw unknown("null");
        }
        return name.trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown detector '" + name + "'; known: " + String.join(", ", NAMES)
                + ", sharpness-fd, anisotropy-n, anisotropy-a, ren-entropy, ren-bos");
    }
}
