package dev.memscope.kernels.call;

/**
 * Stable Diffusion's scaled-linear noise schedule in float64, so a kernel call can name a noise level by its
 * timestep ({@code t=981}) instead of by alphabar: {@code betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2},
 * {@code abar = cumprod(1 - betas)}. The linspace is evaluated as NumPy does ({@code i * step + start}, last point
 * exactly {@code stop}) so the values match scripts/golden/generate.py bit for bit.
 *
 * <p>diffusers builds the same schedule in float32 and gets abar(981) = 0.0057754889 where float64 gives
 * 0.0057755001 (2e-6 relative); the kernels only ever see the number, so either can be passed as {@code abar_t}.
 */
public final class ScaledLinearSchedule {
    public static final int STEPS = 1000;
    private static final double[] ABAR = build();

    private ScaledLinearSchedule() {
    }

    private static double[] build() {
        double start = Math.sqrt(0.00085);
        double stop = Math.sqrt(0.012);
        double step = (stop - start) / (STEPS - 1);
        double[] abar = new double[STEPS];
        double prod = 1;
        for (int i = 0; i < STEPS; i++) {
            double root = i == STEPS - 1 ? stop : i * step + start;
            prod *= 1 - root * root;
            abar[i] = prod;
        }
        return abar;
    }

    /** alphabar at timestep {@code t} in [0, 999]. */
    public static double abar(int t) {
        if (t < 0 || t >= STEPS) {
            throw new IllegalArgumentException("timestep " + t + " is outside the schedule [0, " + (STEPS - 1) + "]");
        }
        return ABAR[t];
    }
}
