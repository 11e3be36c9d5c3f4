package dev.memscope.kernels;

/** Which per-pixel cosine the fused guidance alignment computes, with {@code g = eps_c - eps_u}. */
public enum Alignment {
    /** {@code cos(eps_u, eps_c - eps_u)}: the anisotropy metric's term. */
    UNCOND_VS_GUIDANCE,
    /** {@code cos(eps_c, eps_u)}. */
    COND_VS_UNCOND,
    /** {@code cos(eps_c, eps_c - eps_u)}. */
    COND_VS_GUIDANCE;

    /** Parses {@code uncond-guidance}, {@code cond-uncond}, {@code cond-guidance} (or the constant names). */
    public static Alignment parse(String s) {
        String k = s.trim().toUpperCase().replace('-', '_');
        return switch (k) {
            case "UNCOND_GUIDANCE", "UNCOND_VS_GUIDANCE" -> UNCOND_VS_GUIDANCE;
            case "COND_UNCOND", "COND_VS_UNCOND" -> COND_VS_UNCOND;
            case "COND_GUIDANCE", "COND_VS_GUIDANCE" -> COND_VS_GUIDANCE;
            default -> throw new IllegalArgumentException("unknown alignment variant '" + s
                    + "' (expected uncond-guidance, cond-uncond or cond-guidance)");
        };
    }
}
