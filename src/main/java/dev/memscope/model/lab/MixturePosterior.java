package dev.memscope.model.lab;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.Gemm;
import dev.memscope.model.Condition;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * The lab world's mixture posterior and the eps it gives: the one place that turns (x_t, t, condition) into
 * responsibilities over the mixture's components. With {@code s = sqrt(abar)}, {@code v_k = abar sigma2_k + 1 - abar}:
 * <pre>
 *   p_t(x | c) = sum_k pi_k(c) N(x; s mu_k, v_k I)
 *   eps(x, t, c) = -sqrt(1 - abar) grad log p_t = sqrt(1 - abar) sum_k r_k (x - s mu_k) / v_k
 *   r_k = softmax_k( log pi_k(c) - D/2 log(2 pi v_k) - |x - s mu_k|^2 / (2 v_k) )      (float64 log-sum-exp)
 * </pre>
 *
 * <h2>Numerics: float32 GEMM to screen, float64 where it matters</h2>
 * Memorized components have tiny variance, so at low noise {@code v_k} is ~1e-3 and the squared distance is
 * divided by it; expanding {@code |x - s mu|^2 = |x|^2 - 2 s x.mu + abar |mu|^2} with a float32 {@code x.mu}
 * (error up to ~1e-3 for D = 4096) would move logits by O(1) and the responsibilities arbitrarily. So:
 * <ol>
 * <li><b>Screen</b> (GEMM 1, {@code X M^T}, float32): approximate logits for every (b, k), each with a rigorous
 *   error bound {@code E_bk = s * gamma_D |x_b| |mu_k| / v_k}, {@code gamma_D = (D u)/(1 - D u) + u},
 *   {@code u = 2^-24}, valid for any float32 summation order (so for any {@link Gemm} backend).
 *   Component k is a <i>candidate</i> for row b unless even its optimistic logit trails the best pessimistic one
 *   by more than {@link #SCREEN_MARGIN} ({@link CandidateScreen}) (weight below e^-40 relative: dropped).</li>
 * <li><b>Exact rows</b> (at most {@code exactLimit} candidates, i.e. every row below high noise, where the
 *   posterior is concentrated): distances recomputed directly in float64 for the candidates, log-sum-exp in
 *   float64, and {@code eps = sqrt(1-abar) sum_k (r_k/v_k)(x - s mu_k)} accumulated in float64 without the
 *   {@code x sum w - s sum w mu} cancellation. Exact to float64 rounding before the final float32 store.</li>
 * <li><b>Dense rows</b> (more candidates: high noise, where {@code s} is small and {@code v_k ~ 1}, so the float32
 *   error of a logit is ~ {@code s * 1e-4} and nothing cancels): logits from the screen, responsibilities by
 *   float64 log-sum-exp, and GEMM 2 ({@code W M}, float32) for {@code sum_k w_k mu_k}; combined in float64.
 *   Measured against the exact path on the default world: relative error ~1e-8 at t = 981..801.</li>
 * </ol>
 * A batch therefore costs one or two B x K x D float32 products plus O(B K) float64 work and O(candidates * D)
 * float64 work per exact row. {@link MixtureJacobians} builds the JVP and the embedding VJP on the same screen and
 * posterior. Not thread-safe (it owns the {@link Gemm} and caches).
 */
final class MixturePosterior {
    /** Logit gap beyond which a component's weight (< e^-40 of the top one) is dropped. */
    static final double SCREEN_MARGIN = 40.0;

    private final LabWorld world;
    private final Gemm gemm;
    private final NoiseSchedule schedule;
    private final int exactLimit;
    private final CandidateScreen screen;
    private final Map<Condition, double[]> priorCache = new WeakHashMap<>();
    /** Per-timestep variances and Gaussian normalizers: fixed by the world, so computed once per t. */
    private final NoiseLevel[] levels = new NoiseLevel[NoiseSchedule.TRAIN_STEPS];

    /** {@code exactLimit}: 0 sends every row down the dense path, Integer.MAX_VALUE every row down the exact one. */
    MixturePosterior(LabWorld world, Gemm gemm, int exactLimit) {
        if (exactLimit < 0) {
            throw new IllegalArgumentException("exactLimit must be >= 0, got " + exactLimit);
        }
        this.world = world;
        this.gemm = gemm;
        // the component means are B of every product here and never change: a GPU keeps them on the device
        gemm.keepResident(world.mu());
        this.schedule = NoiseSchedule.stableDiffusion();
        this.exactLimit = exactLimit;
        this.screen = new CandidateScreen(world);
    }

    LabWorld world() {
        return world;
    }

    Gemm gemm() {
        return gemm;
    }

    /** Rows with at most this many candidates take the exact float64 path. */
    int exactLimit() {
        return exactLimit;
    }

    NoiseLevel level(int t) {
        NoiseLevel level = levels[t];
        if (level == null) {
            level = NoiseLevel.of(world, schedule, t);
            levels[t] = level;
        }
        return level;
    }

    double[] logPrior(Condition c) {
        return priorCache.computeIfAbsent(c, world::logPrior);
    }

    /** See {@link CandidateScreen#screen}. */
    int screen(NoiseLevel level, double[] lp, float[] g, int go, double xn2, double[] logits, double[] bound,
               int[] cand) {
        return screen.screen(level, lp, g, go, xn2, logits, bound, cand);
    }

    /** eps for {@code b} rows of {@code x} (checked by the caller) into {@code o}. */
    void eps(float[] x, int b, int t, Condition[] conditions, float[] o) {
        int k = world.components();
        int d = world.dim();
        float[] mu = world.mu();
        NoiseLevel level = level(t);
        double s = level.s();
        double q = level.q();
        double[] v = level.v();
        double[] logNorm = level.logNorm();

        float[] g = new float[b * k];
        gemm.multiplyNT(b, k, d, x, mu, g);

        double[] logits = new double[k];
        double[] bound = new double[k];
        int[] cand = new int[k];
        int[] denseRows = new int[b];
        double[] denseWsum = new double[b];
        float[] denseW = null;
        int nDense = 0;
        double[] acc = new double[d];
        for (int r = 0; r < b; r++) {
            double[] lp = logPrior(conditions[r]);
            int xo = r * d;
            double xn2 = 0;
            for (int j = xo; j < xo + d; j++) {
                xn2 += (double) x[j] * x[j];
            }
            int nc = screen.screen(level, lp, g, r * k, xn2, logits, bound, cand);
            if (nc <= exactLimit) {
                exactRow(x, xo, mu, d, s, q, v, logNorm, lp, cand, nc, acc, o);
            } else {
                if (denseW == null) {
                    denseW = new float[b * k];
                }
                // Dense: responsibilities from the screened logits (all components), float64 log-sum-exp.
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < k; i++) {
                    m = Math.max(m, logits[i]);
                }
                double z = 0;
                for (int i = 0; i < k; i++) {
                    z += Math.exp(logits[i] - m);
                }
                double wsum = 0;
                for (int i = 0; i < k; i++) {
                    double w = Math.exp(logits[i] - m) / z / v[i];
                    denseW[nDense * k + i] = (float) w;
                    wsum += w;
                }
                denseWsum[nDense] = wsum;
                denseRows[nDense++] = r;
            }
        }
        if (nDense > 0) {
            float[] y = new float[nDense * d];
            gemm.multiplyNN(nDense, d, k, denseW, mu, y);
            for (int n = 0; n < nDense; n++) {
                int xo = denseRows[n] * d;
                double wsum = denseWsum[n];
                for (int j = 0; j < d; j++) {
                    o[xo + j] = (float) (q * (x[xo + j] * wsum - s * y[n * d + j]));
                }
            }
        }
    }

    /**
     * One row's posterior over its candidates, in float64 (log-sum-exp): {@code r[c]} the responsibility of component
     * {@code cand[c]} and {@code p[c] = <x - s mu_i, u> / v_i}, the projection of its score term on the direction
     * {@code u}. Both Jacobian products (latent and embedding) are built from these.
     */
    static void projectedPosterior(float[] x, float[] u, int xo, float[] mu, int d, double s, double[] vk,
                                           double[] logNorm, double[] lp, int[] cand, int nc, double[] r,
                                           double[] p) {
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < nc; c++) {
            int i = cand[c];
            int mo = i * d;
            double d2 = 0;
            double dot = 0;
            for (int j = 0; j < d; j++) {
                double diff = x[xo + j] - s * mu[mo + j];
                d2 += diff * diff;
                dot += diff * u[xo + j];
            }
            r[c] = lp[i] + logNorm[i] - d2 / (2 * vk[i]);
            p[c] = dot / vk[i];
            m = Math.max(m, r[c]);
        }
        double z = 0;
        for (int c = 0; c < nc; c++) {
            z += Math.exp(r[c] - m);
        }
        for (int c = 0; c < nc; c++) {
            r[c] = Math.exp(r[c] - m) / z;
        }
    }

    private static void exactRow(float[] x, int xo, float[] mu, int d, double s, double q, double[] v,
                                 double[] logNorm, double[] lp, int[] cand, int nc, double[] acc, float[] o) {
        double[] l = new double[nc];
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < nc; c++) {
            int i = cand[c];
            int mo = i * d;
            double d2 = 0;
            for (int j = 0; j < d; j++) {
                double diff = x[xo + j] - s * mu[mo + j];
                d2 += diff * diff;
            }
            l[c] = lp[i] + logNorm[i] - d2 / (2 * v[i]);
            m = Math.max(m, l[c]);
        }
        double z = 0;
        for (int c = 0; c < nc; c++) {
            z += Math.exp(l[c] - m);
        }
        java.util.Arrays.fill(acc, 0.0);
        for (int c = 0; c < nc; c++) {
            int i = cand[c];
            double w = Math.exp(l[c] - m) / z / v[i];
            if (w == 0) {
                continue;
            }
            int mo = i * d;
            for (int j = 0; j < d; j++) {
                acc[j] += w * (x[xo + j] - s * mu[mo + j]);
            }
        }
        for (int j = 0; j < d; j++) {
            o[xo + j] = (float) (q * acc[j]);
        }
    }

}
