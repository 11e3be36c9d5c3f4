package dev.memscope.mitigate;

/**
 * The coefficients of adaptive memorization guidance (Chen et al., "Towards Memorization-Free Diffusion Models",
 * CVPR 2024), in one of two forms.
 *
 * <ul>
 * <li>{@link #sdCode()}: the defaults of the authors' Stable Diffusion code. Despecification whenever
 *   {@code sigma > 0}: {@code s1 = min(13 sigma, 6.5)}; caption deduplication while a trigger
 *   ({@code sigma > lambda(t)}) is at most {@value #SD_DEDUP_STEPS} steps old: {@code s2 = c2 sigma} with
 *   {@code c2 = (6.5 - s1) / 0.3}; dissimilarity guidance when triggered:
 *   {@code c3 = 100 (sigma - 0.3) exp((1000 - t) / 170)}.</li>
 * <li>{@link #paper(double, double, double)}: the paper's form, every term gated by {@code sigma > lambda(t)}, with
 *   constant {@code s1 = c1 sigma}, {@code s2 = c2 sigma} and {@code c3}.</li>
 * </ul>
 * In both, {@code s1} is clamped to {@code [0, s0 - 1]} and {@code s2} to {@code [0, s0 - s1 - 1]} (s0 the guidance
 * scale) so the text direction keeps a weight of at least 1, and the threshold is
 * {@code lambda(t) = 0.3 + 0.1 exp(-0.005 t)}. The deduplication caption follows {@link #dedup()}: the authors'
 * {@link DedupRule#authors()} by default in both forms, {@link DedupRule#memscope()} on request.
 */
public record AmgConfig(Form form, double c1, double c2, double c3, boolean recomputeSigma, Gradient gradient,
                        DedupRule dedup) {
    public static final double SD_C1 = 13.0;
    public static final double SD_S1_CAP = 6.5;
    public static final int SD_DEDUP_STEPS = 10;

    public enum Form { SD_CODE, PAPER }

    /**
     * How {@code grad_{x_t} sigma} is taken: {@link #EPS_CONSTANT}, the authors' code ({@code grad_{x0} sigma /
     * sqrt(abar)}: eps held constant in x_t, no Jacobian), or {@link #EXACT_JACOBIAN}, MemScope's variant through
     * the model's exact Jacobian-vector products (models without them fall back to the authors' form).
     */
    public enum Gradient { EPS_CONSTANT, EXACT_JACOBIAN }

    public AmgConfig {
        if (form == null || gradient == null || dedup == null) {
            throw new IllegalArgumentException("amg: form, gradient and dedup rule must be given");
        }
        for (double c : new double[] {c1, c2, c3}) {
            if (!(c >= 0) || !Double.isFinite(c)) {
                throw new IllegalArgumentException("amg: coefficients must be finite and >= 0, got c1 = " + c1
                        + ", c2 = " + c2 + ", c3 = " + c3);
            }
        }
    }

    /** With the authors' deduplication rule. */
    public AmgConfig(Form form, double c1, double c2, double c3, boolean recomputeSigma, Gradient gradient) {
        this(form, c1, c2, c3, recomputeSigma, gradient, DedupRule.authors());
    }

    /**
     * The authors' forms by default: sigma recomputed after despecification and deduplication (sigma2, which drives
     * the dissimilarity term), the gradient with eps held constant, the authors' deduplication rule.
     */
    public AmgConfig(Form form, double c1, double c2, double c3) {
        this(form, c1, c2, c3, true, Gradient.EPS_CONSTANT);
    }

    /** The authors' Stable Diffusion code (c2 and c3 depend on sigma and t; the fields c2, c3 are unused). */
    public static AmgConfig sdCode() {
        return new AmgConfig(Form.SD_CODE, SD_C1, 0, 0);
    }

    /** The paper's form with constant coefficients, all gated by {@code sigma > lambda(t)}. */
    public static AmgConfig paper(double c1, double c2, double c3) {
        return new AmgConfig(Form.PAPER, c1, c2, c3);
    }

    /**
     * MemScope's variant before issue 15: one sigma per step (on the sampler's x0) for all three terms, the
     * gradient through the exact guided Jacobian, and {@link DedupRule#memscope()} (k = 10, count >= 3, else the
     * nearest caption).
     */
    public AmgConfig memscopeVariant() {
        return new AmgConfig(form, c1, c2, c3, false, Gradient.EXACT_JACOBIAN, DedupRule.memscope());
    }

    public AmgConfig withRecomputeSigma(boolean on) {
        return new AmgConfig(form, c1, c2, c3, on, gradient, dedup);
    }

    public AmgConfig withGradient(Gradient g) {
        return new AmgConfig(form, c1, c2, c3, recomputeSigma, g, dedup);
    }

    public AmgConfig withDedup(DedupRule rule) {
        return new AmgConfig(form, c1, c2, c3, recomputeSigma, gradient, rule);
    }

    /** The trigger threshold {@code lambda(t) = 0.3 + 0.1 exp(-0.005 t)}. */
    public static double lambda(int t) {
        return 0.3 + 0.1 * Math.exp(-0.005 * t);
    }

    /** Per-sample coefficients of one step: s1, s2 (0 when deduplication is off), c3 (0: no dissimilarity term). */
    public record Coefficients(double s1, double s2, double c3) {
    }

    /**
     * The coefficients for similarity {@code sigma} at timestep t under guidance s0; {@code dedupOn} says whether
     * caption deduplication is active (sd-code: a trigger at most {@value #SD_DEDUP_STEPS} steps ago, this one
     * included; paper: this step triggered).
     */
    public Coefficients coefficients(double sigma, int t, double s0, boolean dedupOn) {
        boolean triggered = sigma > lambda(t);
        double s1;
        double s2;
        double k3;
        if (form == Form.SD_CODE) {
            double raw = sigma > 0 ? Math.min(SD_C1 * sigma, SD_S1_CAP) : 0;
            s1 = clamp(raw, 0, s0 - 1);
            s2 = dedupOn ? clamp((SD_S1_CAP - raw) / 0.3 * sigma, 0, s0 - s1 - 1) : 0;
            k3 = triggered ? 100 * (sigma - 0.3) * Math.exp((1000.0 - t) / 170.0) : 0;
        } else {
            s1 = triggered ? clamp(c1 * sigma, 0, s0 - 1) : 0;
            s2 = triggered && dedupOn ? clamp(c2 * sigma, 0, s0 - s1 - 1) : 0;
            k3 = triggered ? c3 : 0;
        }
        return new Coefficients(s1, s2, Math.max(0, k3));
    }

    /** {@code v} clamped to [lo, hi]; an empty range (hi < lo, e.g. s0 - s1 - 1 < 0) gives lo. */
    static double clamp(double v, double lo, double hi) {
        return hi < lo ? lo : Math.max(lo, Math.min(hi, v));
    }

    /** Steps deduplication stays on after a trigger (the trigger step not counted): sd-code 10, paper 0. */
    public int dedupHold() {
        return form == Form.SD_CODE ? SD_DEDUP_STEPS : 0;
    }

    /**
     * The CLI's AMG options: {@code form} sd-code (default) or paper; {@code coefficients} "c1,c2,c3" (paper form
     * only, required there: the paper's values are not built in); {@code gradient} eps-constant (authors) or exact;
     * {@code sigma} sigma2 (authors) or single (MemScope's variant); {@code dedup} authors or memscope
     * ({@link DedupRule#parse}).
     */
    public static AmgConfig parse(String form, String coefficients, String gradient, String sigma, String dedup) {
        AmgConfig base;
        switch (form == null ? "sd-code" : form.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "sd-code" -> {
                if (coefficients != null) {
                    throw new IllegalArgumentException("--amg-coefficients applies to --amg-form paper; the sd-code "
                            + "form computes its coefficients from sigma and t");
                }
                base = sdCode();
            }
            case "paper" -> {
                if (coefficients == null) {
                    throw new IllegalArgumentException("--amg-form paper needs --amg-coefficients c1,c2,c3: the "
                            + "paper's own values are in its supplementary material, which MemScope could not read, "
                            + "so none is built in (docs/mitigation.md)");
                }
                String[] c = coefficients.split(",");
                if (c.length != 3) {
                    throw new IllegalArgumentException("--amg-coefficients takes three numbers c1,c2,c3, got '"
                            + coefficients + "'");
                }
                try {
                    base = paper(Double.parseDouble(c[0].trim()), Double.parseDouble(c[1].trim()),
                            Double.parseDouble(c[2].trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--amg-coefficients: '" + coefficients + "' is not three "
                            + "numbers");
                }
            }
            default -> throw new IllegalArgumentException("--amg-form is sd-code or paper, not '" + form + "'");
        }
        Gradient g = switch (gradient == null ? "eps-constant" : gradient.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "eps-constant" -> Gradient.EPS_CONSTANT;
            case "exact" -> Gradient.EXACT_JACOBIAN;
            default -> throw new IllegalArgumentException("--amg-gradient is eps-constant or exact, not '"
                    + gradient + "'");
        };
        boolean sigma2 = switch (sigma == null ? "sigma2" : sigma.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "sigma2" -> true;
            case "single" -> false;
            default -> throw new IllegalArgumentException("--amg-sigma is sigma2 or single, not '" + sigma + "'");
        };
        return base.withGradient(g).withRecomputeSigma(sigma2).withDedup(DedupRule.parse(dedup));
    }

    /**
     * One line for reports, e.g. {@code sd-code, sigma2, eps-constant gradient, dedup authors (k = 1000 capped at N,
     * count >= 21, no fallback)}.
     */
    public String describe() {
        String f = form == Form.SD_CODE ? "sd-code" : "paper (c1 = " + c1 + ", c2 = " + c2 + ", c3 = " + c3 + ")";
        return f + ", " + (recomputeSigma ? "sigma2" : "single sigma") + ", "
                + (gradient == Gradient.EPS_CONSTANT ? "eps-constant" : "exact-Jacobian") + " gradient, "
                + dedup.describe();
    }
}
