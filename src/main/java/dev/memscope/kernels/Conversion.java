package dev.memscope.kernels;

/**
 * Conversions between the parameterizations of a diffusion model's output at noise level abar
 * ({@code x_t = sqrt(abar) x0 + sqrt(1 - abar) eps}, {@code v = sqrt(abar) eps - sqrt(1 - abar) x0}).
 * Each is {@code out = alpha * x_t + beta * in}; {@link #coefficients(double)} gives (alpha, beta) in float64.
 */
public enum Conversion {
    EPS_TO_X0, X0_TO_EPS, V_TO_EPS, V_TO_X0, EPS_TO_V;

    public double[] coefficients(double abar) {
        double sa = Math.sqrt(abar);
        double s1 = Math.sqrt(1 - abar);
        return switch (this) {
            case EPS_TO_X0 -> new double[] {1 / sa, -s1 / sa};
            case X0_TO_EPS -> new double[] {1 / s1, -sa / s1};
            case V_TO_EPS -> new double[] {s1, sa};
            case V_TO_X0 -> new double[] {sa, -s1};
            case EPS_TO_V -> new double[] {-s1 / sa, 1 / sa};
        };
    }

    /** Whether abar must be strictly below 1 (division by sqrt(1 - abar)). */
    public boolean needsNoise() {
        return this == X0_TO_EPS;
    }

    /** Parses {@code eps-to-x0}, {@code epsToX0} or the constant name. */
    public static Conversion parse(String s) {
        String k = s.trim().replace('-', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
        for (Conversion c : values()) {
            if (c.name().equals(k)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown conversion '" + s
                + "' (expected eps-to-x0, x0-to-eps, v-to-eps, v-to-x0 or eps-to-v)");
    }
}
