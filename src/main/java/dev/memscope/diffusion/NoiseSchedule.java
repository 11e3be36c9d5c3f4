package dev.memscope.diffusion;

/**
 * Stable Diffusion's noise schedule: "scaled linear" betas, the squares of
 * {@code linspace(sqrt(0.00085), sqrt(0.012), 1000)}, and the cumulative products {@code alphabar(t)}, held and
 * used in float64 everywhere downstream.
 *
 * <p>The betas and the running product are formed in float32, exactly as diffusers does
 * ({@code torch.linspace(..., dtype=torch.float32) ** 2}, {@code torch.cumprod} in float32), because that is the
 * schedule real SD checkpoints are sampled with: a float64 product drifts from it by 1.9e-6 relative at t = 981
 * (0.0057755001 instead of 0.0057754889), more than the rtol 1e-6 our pins allow.
 * DDIM timesteps use "leading" spacing with {@code steps_offset = 1}, as the diffusers DDIMScheduler configured for
 * SD v1: 50 steps give 981, 961, ..., 1.
 */
public final class NoiseSchedule {
    public static final int TRAIN_STEPS = 1000;
    public static final double BETA_START = 0.00085;
    public static final double BETA_END = 0.012;
    public static final int STEPS_OFFSET = 1;

    private static final NoiseSchedule SD = new NoiseSchedule();

    private final double[] alphabar = new double[TRAIN_STEPS];

    private NoiseSchedule() {
        double a = Math.sqrt(BETA_START);
        double b = Math.sqrt(BETA_END);
        float prod = 1f;
        for (int t = 0; t < TRAIN_STEPS; t++) {
            float s = (float) (a + (b - a) * t / (TRAIN_STEPS - 1));
            float beta = s * s;
            prod *= 1f - beta;
            alphabar[t] = prod;
        }
    }

    public static NoiseSchedule stableDiffusion() {
        return SD;
    }

    /** {@code alphabar(t)} for a training timestep t in [0, 999]. */
    public double alphabar(int t) {
        if (t < 0 || t >= TRAIN_STEPS) {
            throw new IllegalArgumentException("timestep " + t + " is outside the schedule [0, " + (TRAIN_STEPS - 1) + "]");
        }
        return alphabar[t];
    }

    /** DDIM timesteps, descending: {@code (i * (1000 / steps)) + 1} for i = steps-1 .. 0. */
    public int[] ddimTimesteps(int steps) {
        if (steps < 1 || steps > TRAIN_STEPS) {
            throw new IllegalArgumentException("DDIM needs 1 to " + TRAIN_STEPS + " steps, got " + steps);
        }
        int ratio = TRAIN_STEPS / steps;
        int[] ts = new int[steps];
        for (int i = 0; i < steps; i++) {
            ts[i] = (steps - 1 - i) * ratio + STEPS_OFFSET;
        }
        return ts;
    }

    /** The alphabar a DDIM step from t lands on: alphabar(t - ratio), or 1 ("final alpha cumprod") past 0. */
    public double alphabarPrev(int t, int steps) {
        int prev = t - TRAIN_STEPS / steps;
        return prev >= 0 ? alphabar(prev) : 1.0;
    }
}
