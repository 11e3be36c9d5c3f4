package dev.memscope.scan.score;

import dev.memscope.detect.AnisotropyDetector;
import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detectors;
import dev.memscope.detect.Scores;
import dev.memscope.detect.WenDetector;
import dev.memscope.diffusion.DdimSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The detectors a corpus scan runs: the denoising-free ones, whose cost is two batched CFG evaluations per caption.
 * Each runs through the core's detector classes with the settings {@code detect --quick} uses (anisotropy: one
 * shared pure-noise image, which is also its default; wen-first: one generation), so a scan and {@code detect}
 * give the same score for the same caption and model. The others are refused with their cost.
 */
public enum ScanDetector {
    /** {@code anisotropy} with its terms N (guidance magnitude) and A (alignment): 4 passes per caption. */
    ANISOTROPY("anisotropy", List.of("anisotropy", "anisotropy_n", "anisotropy_a")),
    /** {@code wen-first}, one generation: 2 passes per caption. */
    WEN_FIRST("wen-first", List.of("wen_first"));

    private final String cliName;
    private final List<String> columns;

    ScanDetector(String cliName, List<String> columns) {
        this.cliName = cliName;
        this.columns = columns;
    }

    public String cliName() {
        return cliName;
    }

    /** Output columns, the score first. */
    public List<String> columns() {
        return columns;
    }

    /** Parses {@code --detectors a,b}; a detector scan does not run is refused with the reason. */
    public static List<ScanDetector> parseList(String list) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("--detectors: empty; use anisotropy and/or wen-first");
        }
        List<ScanDetector> out = new ArrayList<>();
        for (String part : list.split(",")) {
            ScanDetector d = parse(part.trim());
            if (out.contains(d)) {
                throw new IllegalArgumentException("--detectors: " + d.cliName + " given twice");
            }
            out.add(d);
        }
        return out;
    }

    static ScanDetector parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ScanDetector d : values()) {
            if (d.cliName.equals(n)) {
                return d;
            }
        }
        String why = switch (n) {
            case "wen-full" -> "denoises 50 steps for each of 4 generations (400 forward passes per caption; "
                    + "anisotropy spends about 2)";
            case "carlini" -> "compares 8 full generations (800 forward passes per caption)";
            case "sharpness", "sharpness-fd" -> "needs Jacobian-vector products or finite differences on 4 images "
                    + "(16 to 24 forward passes per caption)";
            case "anisotropy-n", "anisotropy-a" -> "is a term of anisotropy, which scan writes anyway (columns "
                    + "anisotropy_n, anisotropy_a)";
            default -> null;
        };
        if (why == null) {
            Detectors.create(n);   // throws "unknown detector" naming the known ones
            why = "is not denoising-free";
        }
        throw new IllegalArgumentException("--detectors: scan runs only the denoising-free detectors anisotropy "
                + "and wen-first; " + n + " " + why + "; score a smaller list with `memscope detect`");
    }

    /**
     * Scores a batch of captions whose row ids are {@code rowIds}, writing column c of caption i to
     * {@code out[c][i]}. wen-first seeds generation 0 of the caption at row r with {@code r} (as detect does for
     * the prompt at index r), so the score of a row does not depend on which batch it falls in.
     */
    void score(List<String> captions, long[] rowIds, DetectionContext ctx, double[][] out) {
        switch (this) {
            case ANISOTROPY -> {
                AnisotropyDetector.TermScores t = new AnisotropyDetector(1, AnisotropyDetector.DEFAULT_SEED, null)
                        .scoreWithTerms(captions, ctx);
                System.arraycopy(t.scores().values(), 0, out[0], 0, captions.size());
                System.arraycopy(t.n(), 0, out[1], 0, captions.size());
                System.arraycopy(t.a(), 0, out[2], 0, captions.size());
            }
            case WEN_FIRST -> {
                // Generations seeds prompt p of a call with baseSeed + p: one call per run of consecutive row ids
                // (rows are consecutive but for rejects between them), with baseSeed = DEFAULT_SEED + first id
                int from = 0;
                while (from < captions.size()) {
                    int to = from + 1;
                    while (to < captions.size() && rowIds[to] == rowIds[to - 1] + 1) {
                        to++;
                    }
                    WenDetector w = new WenDetector(0, 1, DdimSampler.DEFAULT_STEPS, 1,
                            WenDetector.DEFAULT_SEED + rowIds[from], DdimSampler.DEFAULT_GUIDANCE);
                    Scores s = w.score(captions.subList(from, to), ctx);
                    System.arraycopy(s.values(), 0, out[0], from, to - from);
                    from = to;
                }
            }
            default -> throw new IllegalStateException("no scorer for " + this);
        }
    }
}
