package dev.memscope.model.lab;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.Gemm;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.model.JacobianDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The lab world's exact noise predictor. With {@code s = sqrt(abar)}, {@code v_k = abar sigma2_k + 1 - abar}:
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
 *   by more than {@link #SCREEN_MARGIN} (weight below e^-40 relative: dropped).</li>
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
 * float64 work per exact row. Not thread-safe (it owns the {@link Gemm} and scratch).
 */
public final class LabDenoiser implements JacobianDenoiser, EmbeddingGradientDenoiser {
    /** Logit gap beyond which a component's weight (< e^-40 of the top one) is dropped. */
    public static final double SCREEN_MARGIN = 40.0;
    /** Default for the most candidates a row may have and still take the exact float64 path. */
    public static final int DEFAULT_EXACT_LIMIT = 256;
    private static final double U32 = 0x1p-24;

    private final LabWorld world;
    private final Gemm gemm;
    private final NoiseSchedule schedule;
    private final TextEncoder encoder;
    private final int exactLimit;
    private final double[] muNorm;
    private final double[] muNorm2;
    private final Map<Condition, double[]> priorCache = new WeakHashMap<>();
    /** Per-timestep variances and Gaussian normalizers: fixed by the world, so computed once per t. */
    private final NoiseLevel[] levels = new NoiseLevel[NoiseSchedule.TRAIN_STEPS];
    /** Relative error bound of a float32 dot product of length D, for any summation order (the GEMM screen). */
    private final double screenGamma;

    public LabDenoiser(LabWorld world, Gemm gemm) {
        this(world, gemm, DEFAULT_EXACT_LIMIT);
    }

    /** {@code exactLimit}: 0 sends every row down the dense path, Integer.MAX_VALUE every row down the exact one. */
    public LabDenoiser(LabWorld world, Gemm gemm, int exactLimit) {
        if (exactLimit < 0) {
            throw new IllegalArgumentException("exactLimit must be >= 0, got " + exactLimit);
        }
        this.world = world;
        this.gemm = gemm;
        this.schedule = NoiseSchedule.stableDiffusion();
        this.encoder = new TextEncoder(world.embeddingDim());
        this.exactLimit = exactLimit;
        int k = world.components();
        int d = world.dim();
        screenGamma = d * U32 / (1 - d * U32) + U32;
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

    public LabWorld world() {
        return world;
    }

    public TextEncoder encoder() {
        return encoder;
    }

    @Override
    public PredictionType predictionType() {
        return PredictionType.EPSILON;
    }

    @Override
    public int channels() {
        return world.channels();
    }

    @Override
    public int height() {
        return world.height();
    }

    @Override
    public int width() {
        return world.width();
    }

    @Override
    public Condition condition(String prompt) {
        float[] e = encoder.encode(prompt);
        return e == null ? Condition.NULL : Condition.of(e, prompt);
    }

    @Override
    public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        int b = checkArgs(xt, t, conditions, out);
        int k = world.components();
        int d = world.dim();
        float[] x = xt.data();
        float[] mu = world.mu();
        NoiseLevel level = level(t);
        double s = level.s();
        double q = level.q();
        double[] v = level.v();
        double[] logNorm = level.logNorm();

        float[] g = new float[b * k];
        gemm.multiplyNT(b, k, d, x, mu, g);

        float[] o = out.data();
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
            int nc = screen(level, lp, g, r * k, xn2, logits, bound, cand);
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
     * Jacobian-vector product of eps. With {@code a_k = (x - s mu_k) / v_k} and logits
     * {@code l_k = log pi_k + log N_k - |x - s mu_k|^2 / (2 v_k)} (so {@code dl_k/dx = -a_k}), differentiating
     * {@code eps = q sum_k r_k a_k} including the responsibilities {@code dr_k = r_k (dl_k - sum_j r_j dl_j)} gives
     * <pre>
     *   J u = q [ (sum_k r_k / v_k) u + sum_k r_k (pbar - p_k) a_k ],   p_k = a_k . u,   pbar = sum_k r_k p_k
     * </pre>
     * i.e. {@code q (E_r[1/v] I - Cov_r(a))}, symmetric as the Hessian of a log-density must be. Same numerics as
     * {@link #predict}: the float32 screen (plus {@code U M^T} for the projections {@code mu_k . u}) picks the
     * candidates; rows with at most {@code exactLimit} candidates are computed directly in float64 over them; dense
     * (high-noise) rows take their logits and projections from the screen (float32 error ~ s * 1e-4, where the
     * {@code v_k} are all ~1) and {@code sum_k w_k mu_k} from one more GEMM ({@code W M}), combined in float64.
     * One JVP costs one more B x K x D product than a forward pass.
     */
    @Override
    public void jvp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
        int b = checkArgs(xt, t, conditions, out);
        if (v == null || !v.shape().equals(xt.shape())) {
            throw new IllegalArgumentException("lab jvp: direction has shape " + (v == null ? null : v.shape())
                    + ", x_t " + xt.shape());
        }
        if (out.data() == v.data()) {
            throw new IllegalArgumentException("lab jvp: out must not alias the direction");
        }
        float[] u = v.data();
        for (int i = 0; i < u.length; i++) {
            if (!Float.isFinite(u[i])) {
                throw new IllegalArgumentException("lab jvp: direction holds " + u[i] + " at " + v.shape().locate(i));
            }
        }
        int k = world.components();
        int d = world.dim();
        float[] x = xt.data();
        float[] mu = world.mu();
        NoiseLevel level = level(t);
        double s = level.s();
        double q = level.q();
        double[] vk = level.v();
        double[] logNorm = level.logNorm();
        float[] g = new float[b * k];
        gemm.multiplyNT(b, k, d, x, mu, g);
        float[] gu = new float[b * k];
        gemm.multiplyNT(b, k, d, u, mu, gu);

        float[] o = out.data();
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
            double[] lp = logPrior(conditions[r]);
            int xo = r * d;
            double xn2 = 0;
            double xu = 0;
            for (int j = xo; j < xo + d; j++) {
                xn2 += (double) x[j] * x[j];
                xu += (double) x[j] * u[j];
            }
            int nc = screen(level, lp, g, r * k, xn2, logits, bound, cand);
            if (nc <= exactLimit) {
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
            gemm.multiplyNN(nDense, d, k, denseW, mu, y);
            for (int n = 0; n < nDense; n++) {
                int xo = denseRows[n] * d;
                for (int j = 0; j < d; j++) {
                    o[xo + j] = (float) (q * (denseInvV[n] * u[xo + j] + x[xo + j] * denseWsum[n] - s * y[n * d + j]));
                }
            }
        }
    }

    @Override
    public Condition condition(float[] embedding, String label) {
        if (embedding == null || embedding.length != world.embeddingDim()) {
            throw new IllegalArgumentException("lab condition '" + label + "': embedding has "
                    + (embedding == null ? "no" : String.valueOf(embedding.length))
                    + " dimensions, the lab's encoder has " + world.embeddingDim());
        }
        return Condition.of(embedding, label);
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
    @Override
    public void embeddingVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, float[] out) {
        int b = checkArgs(xt, t, conditions, xt.copy());
        if (v == null || !v.shape().equals(xt.shape())) {
            throw new IllegalArgumentException("lab embedding vjp: direction has shape "
                    + (v == null ? null : v.shape()) + ", x_t " + xt.shape());
        }
        int e = world.embeddingDim();
        if (out == null || out.length != b * e) {
            throw new IllegalArgumentException("lab embedding vjp: out has " + (out == null ? 0 : out.length)
                    + " floats, expected B x E = " + b + " x " + e);
        }
        float[] u = v.data();
        for (int i = 0; i < u.length; i++) {
            if (!Float.isFinite(u[i])) {
                throw new IllegalArgumentException("lab embedding vjp: direction holds " + u[i] + " at "
                        + v.shape().locate(i));
            }
        }
        for (int r = 0; r < b; r++) {
            if (conditions[r].isNull()) {
                throw new IllegalArgumentException("lab embedding vjp: condition " + r
                        + " is the null condition, which has no embedding to differentiate");
            }
        }
        int k = world.components();
        int d = world.dim();
        float[] x = xt.data();
        float[] mu = world.mu();
        float[] keys = world.emb();
        NoiseLevel level = level(t);
        double s = level.s();
        double[] vk = level.v();
        double[] logNorm = level.logNorm();
        double scale = level.q() * world.beta();
        float[] g = new float[b * k];
        gemm.multiplyNT(b, k, d, x, mu, g);
        double[] logits = new double[k];
        double[] bound = new double[k];
        int[] cand = new int[k];
        double[] acc = new double[e];
        double[] resp = new double[k];
        double[] proj = new double[k];
        for (int r = 0; r < b; r++) {
            double[] lp = logPrior(conditions[r]);
            int xo = r * d;
            double xn2 = 0;
            for (int j = xo; j < xo + d; j++) {
                xn2 += (double) x[j] * x[j];
            }
            int nc = screen(level, lp, g, r * k, xn2, logits, bound, cand);
            projectedPosterior(x, u, xo, mu, d, s, vk, logNorm, lp, cand, nc, resp, proj);
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

    /**
     * One row's posterior over its candidates, in float64 (log-sum-exp): {@code r[c]} the responsibility of component
     * {@code cand[c]} and {@code p[c] = <x - s mu_i, u> / v_i}, the projection of its score term on the direction
     * {@code u}. Both Jacobian products (latent and embedding) are built from these.
     */
    private static void projectedPosterior(float[] x, float[] u, int xo, float[] mu, int d, double s, double[] vk,
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

    /** The JVP of one row over its candidates, directly in float64. */
    private static void exactJvpRow(float[] x, float[] u, int xo, float[] mu, int d, double s, double q, double[] vk,
                                    double[] logNorm, double[] lp, int[] cand, int nc, double[] acc, float[] o) {
        double[] r = new double[nc];
        double[] p = new double[nc];
        projectedPosterior(x, u, xo, mu, d, s, vk, logNorm, lp, cand, nc, r, p);
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

    /**
     * The noised mixture at timestep t: x_t | k ~ N(s mu_k, v_k I) with s = sqrt(abar), v_k = abar sigma2_k + 1 - abar;
     * q = sqrt(1 - abar) scales eps; logNorm_k is the Gaussian's log normalizer in D dimensions.
     */
    private record NoiseLevel(double abar, double s, double q, double[] v, double[] logNorm) {
    }

    private NoiseLevel level(int t) {
        NoiseLevel level = levels[t];
        if (level == null) {
            int k = world.components();
            int d = world.dim();
            double abar = schedule.alphabar(t);
            double[] v = new double[k];
            double[] logNorm = new double[k];
            for (int i = 0; i < k; i++) {
                v[i] = abar * world.sigma2()[i] + (1 - abar);
                logNorm[i] = -0.5 * d * Math.log(2 * Math.PI * v[i]);
            }
            level = new NoiseLevel(abar, Math.sqrt(abar), Math.sqrt(1 - abar), v, logNorm);
            levels[t] = level;
        }
        return level;
    }

    /**
     * Approximate logits of one row from the float32 screen product {@code g[go .. go + K)}, each with its
     * worst-case float32 error bound; returns how many components (listed in {@code cand}) can still carry weight
     * above e^-{@value #SCREEN_MARGIN}.
     */
    private int screen(NoiseLevel level, double[] lp, float[] g, int go, double xn2, double[] logits, double[] bound,
                       int[] cand) {
        int k = world.components();
        double xn = Math.sqrt(xn2);
        double[] v = level.v();
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            double d2 = Math.max(0.0, xn2 - 2 * level.s() * g[go + i] + level.abar() * muNorm2[i]);
            logits[i] = lp[i] + level.logNorm()[i] - d2 / (2 * v[i]);
            bound[i] = level.s() * screenGamma * xn * muNorm[i] / v[i];
            best = Math.max(best, logits[i] - bound[i]);
        }
        int nc = 0;
        for (int i = 0; i < k; i++) {
            if (logits[i] + bound[i] >= best - SCREEN_MARGIN) {
                cand[nc++] = i;
            }
        }
        return nc;
    }

    private double[] logPrior(Condition c) {
        return priorCache.computeIfAbsent(c, world::logPrior);
    }

    private int checkArgs(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
        if (xt == null || out == null || conditions == null) {
            throw new IllegalArgumentException("lab eps: x_t, conditions and out must not be null");
        }
        if (xt.shape().channels() != world.channels() || xt.shape().height() != world.height()
                || xt.shape().width() != world.width()) {
            throw new IllegalArgumentException("lab eps: x_t has shape " + xt.shape() + " but this lab world's images are "
                    + world.channels() + "x" + world.height() + "x" + world.width());
        }
        if (!out.shape().equals(xt.shape())) {
            throw new IllegalArgumentException("lab eps: out has shape " + out.shape() + ", x_t " + xt.shape());
        }
        if (out.data() == xt.data()) {
            throw new IllegalArgumentException("lab eps: out must not alias x_t");
        }
        if (t < 0 || t >= NoiseSchedule.TRAIN_STEPS) {
            throw new IllegalArgumentException("lab eps: timestep " + t + " is outside [0, 999]");
        }
        int b = xt.batch();
        if (conditions.length != b) {
            throw new IllegalArgumentException("lab eps: " + conditions.length + " conditions for a batch of " + b);
        }
        for (int i = 0; i < b; i++) {
            Condition c = conditions[i];
            if (c == null) {
                throw new IllegalArgumentException("lab eps: condition " + i + " is null (use Condition.NULL)");
            }
            if (!c.isNull() && c.embedding().length != world.embeddingDim()) {
                throw new IllegalArgumentException("lab eps: condition " + i + " has " + c.embedding().length
                        + " dimensions, the lab's encoder has " + world.embeddingDim());
            }
        }
        float[] d = xt.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IllegalArgumentException("lab eps: x_t holds " + d[i] + " at " + xt.shape().locate(i));
            }
        }
        return b;
    }

    @Override
    public void close() {
        gemm.close();
    }
}
