package dev.memscope.kernels;

/**
 * Which per-pixel cosine the fused guidance alignment computes, with {@code g = eps_c - eps_u}. Every backend
 * (scalar, cpu, cuda) evaluates a variant as {@code cos(p, y)} over the pair {@link #first}, {@link #second} and
 * {@link #pair()}: this enum is the only place that maps a variant to those roles, so backends cannot disagree.
 */
public enum GuidanceVariant {
    /** {@code cos(eps_u, eps_c - eps_u)}: the anisotropy metric's term. */
    UNCOND_VS_GUIDANCE("uncond-guidance", false, PixelPair.Q_MINUS_P),
    /** {@code cos(eps_c, eps_u)}. */
    COND_VS_UNCOND("cond-uncond", true, PixelPair.PLAIN),
    /** {@code cos(eps_c, eps_c - eps_u)}. */
    COND_VS_GUIDANCE("cond-guidance", true, PixelPair.P_MINUS_Q);

    private final String cliName;
    private final boolean condFirst;
    private final PixelPair pair;

    GuidanceVariant(String cliName, boolean condFirst, PixelPair pair) {
        this.cliName = cliName;
        this.condFirst = condFirst;
        this.pair = pair;
    }

    /** The name on the command line and in the golden manifest: {@code uncond-guidance}, ... */
    public String cliName() {
        return cliName;
    }

    /** The pixel-cosine input p: eps_u or eps_c. Generic so host tensors and device tensors share the mapping. */
    public <T> T first(T epsC, T epsU) {
        return condFirst ? epsC : epsU;
    }

    /** The pixel-cosine input q, the other of the two. */
    public <T> T second(T epsC, T epsU) {
        return condFirst ? epsU : epsC;
    }

    /** How the second vector of each pixel pair is formed from p and q. */
    public PixelPair pair() {
        return pair;
    }

    /** Parses {@code uncond-guidance}, {@code cond-uncond}, {@code cond-guidance} (or the constant names). */
    public static GuidanceVariant parse(String s) {
        String k = s.trim().toUpperCase().replace('-', '_');
        for (GuidanceVariant v : values()) {
            if (v.name().equals(k) || v.name().replace("_VS_", "_").equals(k)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown guidance variant '" + s
                + "' (expected uncond-guidance, cond-uncond or cond-guidance)");
    }
}
