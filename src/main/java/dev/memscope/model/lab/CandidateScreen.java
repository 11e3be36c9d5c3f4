package dev.memscope.model.lab;

/**
 * Step 1 of the lab's numerics (see {@link MixturePosterior}): approximate logits of a row from the float32 GEMM
 * product {@code x . mu_k}, each with a rigorous error bound {@code E_bk = s * gamma_D |x_b| |mu_k| / v_k},
 * {@code gamma_D = (D u)/(1 - D u) + u}, {@code u = 2^-24}, valid for any float32 summation order (so for any
 * {@link dev.memscope.kernels.Gemm} backend). Component k is a candidate unless even its optimistic logit trails
 * the best pessimistic one by more than {@link MixturePosterior#SCREEN_MARGIN}.
 */
final class CandidateScreen {
    private static final double U32 = 0x1p-24;

    private final LabWorld world;
    private final double[] muNorm;
    private final double[] muNorm2;
    /** Relative error bound of a float32 dot product of length D, for any summation order. */
    private final double gamma;

    CandidateScreen(LabWorld world) {
        this.world = world;
        int k = world.components();
        int d = world.dim();
        gamma = d * U32 / (1 - d * U32) + U32;
        float[] mu = world.mu();
        muNorm = new double[k];
        muNorm2 = new double[k];
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int j = i * d; j < (i + 1) * d; j++) {
                s += (double) mu[j] * mu[j];
            }
            muNorm2[i] = s;
            muNorm[i] = Math.sqrt(s);
        }
    }

    /**
     * Fills {@code logits} and {@code bound} for one row from the screen product {@code g[go .. go + K)}; returns
     * how many components (listed in {@code cand}) can still carry weight above e^-SCREEN_MARGIN.
     */
    int screen(NoiseLevel level, double[] lp, float[] g, int go, double xn2, double[] logits, double[] bound,
               int[] cand) {
        int k = world.components();
        double xn = Math.sqrt(xn2);
        double[] v = level.v();
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            double d2 = Math.max(0.0, xn2 - 2 * level.s() * g[go + i] + level.abar() * muNorm2[i]);
            logits[i] = lp[i] + level.logNorm()[i] - d2 / (2 * v[i]);
            bound[i] = level.s() * gamma * xn * muNorm[i] / v[i];
            best = Math.max(best, logits[i] - bound[i]);
        }
        int nc = 0;
        for (int i = 0; i < k; i++) {
            if (logits[i] + bound[i] >= best - MixturePosterior.SCREEN_MARGIN) {
                cand[nc++] = i;
            }
        }
        return nc;
    }
}
