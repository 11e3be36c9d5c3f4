package dev.memscope.kernels;

/**
 * How a per-pixel cosine pairs its two inputs p and q: {@code cos(p, q)}, {@code cos(p, q - p)} or
 * {@code cos(p, p - q)}. The last two let the guidance alignment use {@code eps_c - eps_u} without materializing it.
 */
public enum PixelPair {
    /** cos(p, q): pixelCosine, and the cond-uncond guidance variant. */
    PLAIN,
    /** cos(p, q - p), with p = eps_u and q = eps_c. */
    Q_MINUS_P,
    /** cos(p, p - q), with p = eps_c and q = eps_u. */
    P_MINUS_Q
}
