package dev.memscope.model.lab;

import dev.memscope.model.Condition;

/**
 * The Jacobian products of the lab's eps, on top of {@link MixturePosterior}: the latent JVP (sharpness) and the
 * vector-Jacobian product with respect to the text embedding (Wen's embedding optimization). Both use the same
 * float32 screen and float64 candidate posterior as the forward pass. Arguments are checked by
 * {@link LabDenoiser}.
 */
final class MixtureJacobians {
    private final MixturePosterior posterior;
    private final LabWorld world;

    MixtureJacobians(MixturePosterior posterior) {
        this.posterior = posterior;
        this.world = posterior.world();
    }

    /**
     * Jacobian-vector product of eps. With {@code a_k = (x - s mu_k) / v_k} and logits
     * {@code l_k = log pi_k + log N_k - |x - s mu_k|^2 / (2 v_k)} (so {@code dl_k/dx = -a_k}), differentiating
     * {@code eps = q sum_k r_k a_k} including the responsibilities {@code dr_k = r_k (dl_k - sum_j r_j dl_j)} gives
     * <pre>
     *   J u = q [ (sum_k r_k / v_k) u + sum_k r_k (pbar - p_k) a_k ],   p_k = a_k . u,   pbar = sum_k r_k p_k
     * </pre>
     * i.e. {@code q (E_r[1/v] I - Cov_r(a))}, symmetric as the Hessian of a log-density must be. Same numerics as
     * {@link MixturePosterior#eps}: the float32 screen (plus {@code U M^T} for the projections {@code mu_k . u}) picks the
     * candidates; rows with at most {@code exactLimit} candidates are computed directly in float64 over them; dense
     * (high-noise) rows take their logits and projections from the screen (float32 error ~ s * 1e-4, where the
     * {@code v_k} are all ~1) and {@code sum_k w_k mu_k} from one more GEMM ({@code W M}), combined in float64.
     * One JVP costs one more B x K x D product than a forward pass.
     */
    void jvp(float[] x, float[] u, int b, int t, Condition[] conditions, float[] o) {
        int k = world.components();
        int d = world.dim();
        float[] mu = world.mu();
        NoiseLevel level = posterior.level(t);
        double s = level.s();
        double q = level.q();
        double[] vk = level.v();
        double[] logNorm = level.logNorm();
        float[] g = new float[b * k];
        posterior.gemm().multiplyNT(b, k, d, x, mu, g);
        float[] gu = new float[b * k];
        posterior.gemm().multiplyNT(b, k, d, u, mu, gu);

        double[] logits = new double[k];
        double[] bound = new double[k];
        int[] cand = new int[k];
        double[] acc = new double[d];
        int[] denseRows = new int[b];
        double[] denseWsum = new double[b];
        double[] denseInvV = new double[b];
        float[] denseW = null;
        int nDense = 0;
        for (int r = 0; r < b; r++) {
            double[] lp = posterior.logPrior(conditions[r]);
            int xo = r * d;
            double xn2 = 0;
            double xu = 0;
            for (int j = xo; j < xo + d; j++) {
                xn2 += (double) x[j] * x[j];
                xu += (double) x[j] * u[j];
            }
            int nc = posterior.screen(level, lp, g, r * k, xn2, logits, bound, cand);
            if (nc <= posterior.exactLimit()) {
                exactJvpRow(x, u, xo, mu, d, s, q, vk, logNorm, lp, cand, nc, acc, o);
                continue;
            }
            if (denseW == null) {
                denseW = new float[b * k];
            }
            double m = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                m = Math.max(m, logits[i]);
            }
            double z = 0;
            for (int i = 0; i < k; i++) {
                z += Math.exp(logits[i] - m);
            }
            double pbar = 0;
            double invV = 0;
            for (int i = 0; i < k; i++) {
                double ri = Math.exp(logits[i] - m) / z;
                pbar += ri * (xu - s * gu[r * k + i]) / vk[i];
                invV += ri / vk[i];
            }
            double wsum = 0;
            for (int i = 0; i < k; i++) {
                double ri = Math.exp(logits[i] - m) / z;
                double w = ri * (pbar - (xu - s * gu[r * k + i]) / vk[i]) / vk[i];
                denseW[nDense * k + i] = (float) w;
                wsum += w;
            }
            denseWsum[nDense] = wsum;
            denseInvV[nDense] = invV;
            denseRows[nDense++] = r;
        }
        if (nDense > 0) {
            float[] y = new float[nDense * d];
            posterior.gemm().multiplyNN(nDense, d, k, denseW, mu, y);
            for (int n = 0; n < nDense; n++) {
                int xo = denseRows[n] * d;
                for (int j = 0; j < d; j++) {
                    o[xo + j] = (float) (q * (denseInvV[n] * u[xo + j] + x[xo + j] * denseWsum[n] - s * y[n * d + j]));
                }
            }
        }
    }

    /**
     * Vector-Jacobian product of eps with respect to the text embedding c. Only the mixture weights depend on c:
     * {@code log pi_k(c) = log n_k + beta <c, e_k> - log Z(c)}, so the posterior responsibilities move by
     * {@code dr_k/dc = beta r_k (e_k - ebar)} with {@code ebar = sum_j r_j e_j}, while {@code a_k = (x - s mu_k)/v_k}
     * does not depend on c. Differentiating {@code eps = q sum_k r_k a_k}:
     * <pre>
     *   (d eps / d c)^T v = q beta sum_k r_k (p_k - pbar) e_k,   p_k = a_k . v,   pbar = sum_k r_k p_k
     * </pre>
     * (the {@code - ebar} term drops out because {@code sum_k r_k (p_k - pbar) = 0}); with {@code eps_k = q a_k}
     * this is {@code beta sum_k r_k <eps_k - eps_bar, v> e_k}. Computed in float64 over the screened candidates
     * (components below e^-40 of the top weight carry no gradient either). When the text prior is nearly one-hot
     * (the default beta = 1e5 makes prompts' logit gaps thousands of nats) every other candidate is screened out and
     * the product is exactly zero: see docs/mitigation.md.
     */
    void embeddingVjp(float[] x, float[] u, int b, int t, Condition[] conditions, float[] out) {
        int e = world.embeddingDim();
        int k = world.components();
        int d = world.dim();
        float[] mu = world.mu();
        float[] keys = world.emb();
        NoiseLevel level = posterior.level(t);
        double s = level.s();
        double[] vk = level.v();
        double[] logNorm = level.logNorm();
        double scale = level.q() * world.beta();
        float[] g = new float[b * k];
        posterior.gemm().multiplyNT(b, k, d, x, mu, g);
        double[] logits = new double[k];
        double[] bound = new double[k];
        int[] cand = new int[k];
        double[] acc = new double[e];
        double[] resp = new double[k];
        double[] proj = new double[k];
        for (int r = 0; r < b; r++) {
            double[] lp = posterior.logPrior(conditions[r]);
            int xo = r * d;
            double xn2 = 0;
            for (int j = xo; j < xo + d; j++) {
                xn2 += (double) x[j] * x[j];
            }
            int nc = posterior.screen(level, lp, g, r * k, xn2, logits, bound, cand);
            MixturePosterior.projectedPosterior(x, u, xo, mu, d, s, vk, logNorm, lp, cand, nc, resp, proj);
            double pbar = 0;
            for (int c = 0; c < nc; c++) {
                pbar += resp[c] * proj[c];
            }
            java.util.Arrays.fill(acc, 0.0);
            for (int c = 0; c < nc; c++) {
                double w = resp[c] * (proj[c] - pbar);
                if (w == 0) {
                    continue;
                }
                int eo = cand[c] * e;
                for (int j = 0; j < e; j++) {
                    acc[j] += w * keys[eo + j];
                }
            }
            for (int j = 0; j < e; j++) {
                out[r * e + j] = (float) (scale * acc[j]);
            }
        }
    }

    /** The JVP of one row over its candidates, directly in float64. */
    private static void exactJvpRow(float[] x, float[] u, int xo, float[] mu, int d, double s, double q, double[] vk,
                                    double[] logNorm, double[] lp, int[] cand, int nc, double[] acc, float[] o) {
        double[] r = new double[nc];
        double[] p = new double[nc];
        MixturePosterior.projectedPosterior(x, u, xo, mu, d, s, vk, logNorm, lp, cand, nc, r, p);
        double pbar = 0;
        double invV = 0;
        for (int c = 0; c < nc; c++) {
            pbar += r[c] * p[c];
            invV += r[c] / vk[cand[c]];
        }
        java.util.Arrays.fill(acc, 0.0);
        for (int c = 0; c < nc; c++) {
            double w = r[c] * (pbar - p[c]) / vk[cand[c]];
            if (w == 0) {
                continue;
            }
            int mo = cand[c] * d;
            for (int j = 0; j < d; j++) {
                acc[j] += w * (x[xo + j] - s * mu[mo + j]);
            }
        }
        for (int j = 0; j < d; j++) {
            o[xo + j] = (float) (q * (invV * u[xo + j] + acc[j]));
        }
    }

}
