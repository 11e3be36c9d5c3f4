package dev.memscope.mitigate;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.model.LatentVjpDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SAIL (Jeon, Kim and No, ICML 2025: sharpness-aware initialization for latent diffusion), in the form of the
 * authors' code ({@code Dongjae0324/sharpness_memorization_diffusion}, {@code local_model/pipe.py}, mitigation block;
 * defaults from {@code mitigate_mem.py}). Before sampling, candidate initial noises are optimized at the first DDIM
 * timestep t against
 * <pre>
 *   L(x) = ||D(x + u)|| + lambda ||x||,   D(z) = eps(z, t, c) - eps(z, t, null),   u = D(x_s) / ||D(x_s)||
 * </pre>
 * (plain L2 norms over C*H*W, not squared; lambda = 0.05, the SD v1 value), where x_s is the candidate at the start
 * of its round: the authors' code computes the unit direction once per round from the starting latent (the tensor it
 * feeds the UNet is built before the loop and never refreshed) while the gradient still flows through it to the
 * latent. {@link Config#directionAtStart} {@code false} takes the direction at the current x instead (what a
 * refreshed input would give; the paper's Algorithm 2 was not available here to say which one it states).
 *
 * <p>Per prompt, one round optimizes {@link Config#budget} candidates with Adam (lr 0.05, torch defaults, no weight
 * decay) for at most {@link Config#maxSteps} evaluations; before each update every candidate whose loss is at most the
 * threshold is accepted as it stands (a candidate may be accepted unoptimized), in index order, until the prompt has
 * as many latents as images. A round that leaves the prompt short counts a failure; every third failure raises the
 * threshold by 0.1. The gradient is exact given the model's latent VJP:
 * <pre>
 *   a = J_D(y)^T D(y)/||D(y)||,  y = x + u;   grad = a + J_D(x_s)^T [(a - u (u.a)) / ||D(x_s)||] + lambda x/||x||
 * </pre>
 * with {@code J_D^T v = J_c^T v - J_null^T v} (two latent VJPs in one batched call).
 *
 * <p>MemScope's adaptations, each in docs/mitigation.md: the first round's candidates are the runner's own x_T of the
 * prompt's images followed by seeded fresh ones up to the budget (the authors draw all from their seed), so an image
 * whose noise passes unoptimized is sampled exactly as without mitigation; a failed round always draws fresh
 * candidates (the authors repeat the same seed for three rounds, which in deterministic arithmetic returns the same
 * latents again); at most {@link Config#maxRounds} rounds (the authors loop until they succeed), after which the
 * prompt takes its lowest-loss latents; the threshold is calibrated for the lab (the authors' 8.2 is for SD v1.4's
 * 4x64x64 latents, where {@code lambda ||x||} alone is about 6.4).
 */
public final class SailInitialNoiseOptimization implements Mitigation {
    /** The authors' l_thres for SD v1.4 ({@code --miti_thres}); not the lab's scale. */
    public static final double AUTHORS_THRESHOLD = 8.2;
    /**
     * The lab's default threshold: about the median SAIL loss of the unoptimized x_T of non-memorized prompts on the
     * MemBench lab recipe (docs/mitigation.md gives the measurement), as Wen's target is calibrated.
     */
    public static final double DEFAULT_THRESHOLD = 4.68;
    public static final double LR = 0.05;
    public static final int MAX_STEPS = 10;
    public static final int BUDGET = 8;
    /** The gaussianity weight of the authors' SD v1 branch (0.01 in their SD v2 branch). */
    public static final double REG_WEIGHT = 0.05;
    public static final double THRESHOLD_RAISE = 0.1;
    public static final int FAILURES_PER_RAISE = 3;
    public static final int DEFAULT_MAX_ROUNDS = 30;
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double ADAM_EPS = 1e-8;

    /** SAIL's settings; {@link #defaults()} are the authors' with the lab's threshold. */
    public record Config(double threshold, double regWeight, double lr, int maxSteps, int budget, int maxRounds,
                         boolean directionAtStart) {
        public Config {
            if (!Double.isFinite(threshold)) {
                throw new IllegalArgumentException("sail: threshold must be finite, got " + threshold);
            }
            if (!(regWeight >= 0) || !Double.isFinite(regWeight)) {
                throw new IllegalArgumentException("sail: regularizer weight must be finite and >= 0, got "
                        + regWeight);
            }
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("sail: learning rate must be finite and > 0, got " + lr);
            }
            if (maxSteps < 1 || budget < 1 || maxRounds < 1) {
                throw new IllegalArgumentException("sail: max steps, budget and max rounds must be >= 1, got "
                        + maxSteps + ", " + budget + ", " + maxRounds);
            }
        }

        public static Config defaults() {
            return new Config(DEFAULT_THRESHOLD, REG_WEIGHT, LR, MAX_STEPS, BUDGET, DEFAULT_MAX_ROUNDS, true);
        }

        public Config withThreshold(double t) {
            return new Config(t, regWeight, lr, maxSteps, budget, maxRounds, directionAtStart);
        }
    }

    private final LatentVjpDenoiser model;
    private final Config config;
    private final int firstTimestep;

    private long samples;
    private long rounds;
    private long updates;
    private long unchanged;
    private long accepted;
    private long raises;
    private long forwardPasses;
    private long vjps;
    private double initialLossSum;
    private double finalLossSum;

    public SailInitialNoiseOptimization(MitigationContext ctx) {
        this(ctx, Config.defaults());
    }

    public SailInitialNoiseOptimization(MitigationContext ctx, Config config) {
        LatentVjpDenoiser m = ctx.model().latentVjpModel().orElseThrow(() -> new IllegalArgumentException(
                "sail: the model (" + ctx.model().getClass().getSimpleName()
                        + ") gives no vector-Jacobian product with respect to the latent"));
        if (m.predictionType() != PredictionType.EPSILON) {
            throw new IllegalArgumentException("sail: the model predicts " + m.predictionType().diffusersName
                    + "; only the authors' eps-prediction (SD v1) branch is implemented");
        }
        this.model = m;
        this.config = config;
        this.firstTimestep = NoiseSchedule.stableDiffusion().ddimTimesteps(ctx.steps())[0];
    }

    @Override
    public String name() {
        return "sail";
    }

    public Config config() {
        return config;
    }

    @Override
    public Plan plan(String[] prompts, long[] seeds, TensorF32 xT) {
        int b = prompts.length;
        if (xT.batch() != b || seeds.length != b) {
            throw new IllegalArgumentException("sail: " + b + " prompts, " + seeds.length + " seeds for a noise batch of "
                    + xT.batch());
        }
        int n = xT.shape().sampleSize();
        Condition[] conds = new Condition[b];
        Map<String, List<Integer>> byPrompt = new LinkedHashMap<>();
        for (int i = 0; i < b; i++) {
            conds[i] = model.condition(prompts[i]);
            if (!conds[i].isNull()) {   // the empty prompt has D = 0: nothing to optimize, sampled as given
                byPrompt.computeIfAbsent(prompts[i], k -> new ArrayList<>()).add(i);
            }
        }
        float[] out = xT.data().clone();
        for (List<Integer> rows : byPrompt.values()) {
            double[][] given = new double[rows.size()][];
            for (int k = 0; k < given.length; k++) {
                given[k] = toDouble(xT.data(), rows.get(k) * n, n);
            }
            double[][] chosen = optimizePrompt(conds[rows.get(0)], given, seeds[rows.get(0)], xT);
            for (int k = 0; k < chosen.length; k++) {
                int o = rows.get(k) * n;
                for (int j = 0; j < n; j++) {
                    out[o + j] = (float) chosen[k][j];
                }
            }
        }
        return new Plan(conds, StepHook.NONE, prompts.clone(), new TensorF32(xT.shape(), out));
    }

    /** One prompt: rounds of candidates until {@code given.length} latents pass the (rising) threshold. */
    private double[][] optimizePrompt(Condition c, double[][] given, long seed, TensorF32 like) {
        int need = given.length;
        int n = given[0].length;
        List<Taken> chosen = new ArrayList<>();
        List<Scored> fallback = new ArrayList<>();
        double threshold = config.threshold();
        int failures = 0;
        for (int round = 0; round < config.maxRounds() && chosen.size() < need; round++) {
            int m = round == 0 ? Math.max(config.budget(), need) : config.budget();
            double[][] cand = new double[m][];
            for (int j = 0; j < m; j++) {
                cand[j] = round == 0 && j < need ? given[j].clone() : gaussian(seed, round, j, n);
            }
            rounds++;
            chosen.addAll(round(c, cand, threshold, need - chosen.size(), round == 0 ? need : 0, fallback, like));
            if (chosen.size() < need) {
                failures++;
                if (failures % FAILURES_PER_RAISE == 0) {
                    threshold += THRESHOLD_RAISE;
                    raises++;
                }
            }
        }
        accepted += chosen.size();
        fallback.sort((p, q) -> Double.compare(p.loss, q.loss));
        for (int k = 0; chosen.size() < need; k++) {
            chosen.add(new Taken(fallback.get(k).x, -1));
            finalLossSum += fallback.get(k).loss;
        }
        samples += need;
        // an image whose own noise passed unoptimized keeps it (and so its unmitigated sample); the rest fill in order
        double[][] out = new double[need][];
        for (Taken t : chosen) {
            if (t.slot >= 0) {
                out[t.slot] = t.x;
            }
        }
        int k = 0;
        for (Taken t : chosen) {
            if (t.slot < 0) {
                while (out[k] != null) {
                    k++;
                }
                out[k] = t.x;
            }
        }
        return out;
    }

    private record Scored(double loss, double[] x) {
    }

    /** An accepted latent; {@code slot} is its image where it is that image's own noise, unoptimized, else -1. */
    private record Taken(double[] x, int slot) {
    }

    /**
     * One round: Adam on every candidate, accepting (in index order) those at or below the threshold before each
     * update. Candidates {@code < givenCount} are the runner's own noise (for the statistics).
     */
    private List<Taken> round(Condition c, double[][] x, double threshold, int need, int givenCount,
                                 List<Scored> fallback, TensorF32 like) {
        int m = x.length;
        int n = x[0].length;
        AdamW[] opt = new AdamW[m];
        double[] best = new double[m];
        double[][] bestX = new double[m][];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int i = 0; i < m; i++) {
            opt[i] = new AdamW(n, config.lr(), BETA1, BETA2, ADAM_EPS, 0.0);
        }
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            active.add(i);
        }
        double[][] start = null;
        double[][] startD = null;
        if (config.directionAtStart()) {
            start = new double[m][];
            for (int i = 0; i < m; i++) {
                start[i] = x[i].clone();
            }
            startD = delta(c, start, like);
        }
        List<Taken> taken = new ArrayList<>();
        for (int step = 0; step < config.maxSteps(); step++) {
            int a = active.size();
            double[][] xs = new double[a][];
            double[][] dir = new double[a][];      // D at the direction's point
            double[][] dirAt = new double[a][];
            for (int k = 0; k < a; k++) {
                xs[k] = x[active.get(k)];
                dirAt[k] = config.directionAtStart() ? start[active.get(k)] : xs[k];
            }
            if (config.directionAtStart()) {
                for (int k = 0; k < a; k++) {
                    dir[k] = startD[active.get(k)];
                }
            } else {
                dir = delta(c, xs, like);
            }
            double[] dirNorm = new double[a];
            double[][] u = new double[a][];
            double[][] y = new double[a][];
            for (int k = 0; k < a; k++) {
                dirNorm[k] = norm(dir[k]);
                u[k] = new double[n];
                y[k] = new double[n];
                for (int j = 0; j < n; j++) {
                    u[k][j] = dirNorm[k] > 0 ? dir[k][j] / dirNorm[k] : 0;
                    y[k][j] = xs[k][j] + u[k][j];
                }
            }
            double[][] dy = delta(c, y, like);
            double[] loss = new double[a];
            double[] dyNorm = new double[a];
            double[] xNorm = new double[a];
            for (int k = 0; k < a; k++) {
                dyNorm[k] = norm(dy[k]);
                xNorm[k] = norm(xs[k]);
                loss[k] = dyNorm[k] + config.regWeight() * xNorm[k];
                int i = active.get(k);
                if (step == 0 && i < givenCount) {
                    initialLossSum += loss[k];
                }
                if (loss[k] < best[i]) {
                    best[i] = loss[k];
                    bestX[i] = xs[k].clone();
                }
            }
            List<Integer> keep = new ArrayList<>();
            for (int k = 0; k < a; k++) {
                int i = active.get(k);
                if (taken.size() < need && loss[k] <= threshold) {
                    boolean own = step == 0 && i < givenCount;
                    taken.add(new Taken(xs[k].clone(), own ? i : -1));
                    finalLossSum += loss[k];
                    unchanged += own ? 1 : 0;
                } else {
                    keep.add(k);
                }
            }
            // the authors' last update is never evaluated, so the loop ends before it
            if (taken.size() >= need || step == config.maxSteps() - 1) {
                break;
            }
            int r = keep.size();
            double[][] yk = new double[r][];
            double[][] gy = new double[r][];
            for (int q = 0; q < r; q++) {
                int k = keep.get(q);
                yk[q] = y[k];
                gy[q] = new double[n];
                for (int j = 0; j < n; j++) {
                    gy[q][j] = dyNorm[k] > 0 ? dy[k][j] / dyNorm[k] : 0;
                }
            }
            double[][] ga = deltaVjp(c, yk, gy, like);
            double[][] xd = new double[r][];
            double[][] w = new double[r][];
            for (int q = 0; q < r; q++) {
                int k = keep.get(q);
                xd[q] = dirAt[k];
                double ua = dot(u[k], ga[q]);
                w[q] = new double[n];
                for (int j = 0; j < n; j++) {
                    w[q][j] = dirNorm[k] > 0 ? (ga[q][j] - u[k][j] * ua) / dirNorm[k] : 0;
                }
            }
            double[][] gb = deltaVjp(c, xd, w, like);
            List<Integer> next = new ArrayList<>();
            for (int q = 0; q < r; q++) {
                int k = keep.get(q);
                double[] g = new double[n];
                for (int j = 0; j < n; j++) {
                    g[j] = ga[q][j] + gb[q][j] + (xNorm[k] > 0 ? config.regWeight() * xs[k][j] / xNorm[k] : 0);
                }
                int i = active.get(k);
                opt[i].step(x[i], g);
                updates++;
                next.add(i);
            }
            active = next;
        }
        for (int i = 0; i < m; i++) {
            if (bestX[i] != null && !containsRow(taken, bestX[i])) {
                fallback.add(new Scored(best[i], bestX[i]));
            }
        }
        return taken;
    }

    /** {@code D(z) = eps(z, t, c) - eps(z, t, null)} for every row, in one batched call of 2m latents. */
    double[][] delta(Condition c, double[][] z, TensorF32 like) {
        int m = z.length;
        int n = z[0].length;
        TensorF32 in = stacked(z, like);
        TensorF32 eps = TensorF32.zeros(in.shape());
        model.predict(in, firstTimestep, conditions(c, m), eps);
        forwardPasses += 2L * m;
        double[][] d = new double[m][n];
        float[] e = eps.data();
        for (int k = 0; k < m; k++) {
            for (int j = 0; j < n; j++) {
                d[k][j] = (double) e[k * n + j] - e[(m + k) * n + j];
            }
        }
        return d;
    }

    /** {@code J_D(z)^T v = J_c^T v - J_null^T v} for every row, in one batched VJP of 2m latents. */
    double[][] deltaVjp(Condition c, double[][] z, double[][] v, TensorF32 like) {
        int m = z.length;
        int n = z[0].length;
        if (m == 0) {
            return new double[0][];
        }
        TensorF32 in = stacked(z, like);
        double[][] vv = new double[2 * m][];
        for (int k = 0; k < m; k++) {
            vv[k] = v[k];
            vv[m + k] = v[k];
        }
        TensorF32 cot = new TensorF32(in.shape(), toFloat(vv, n));
        TensorF32 out = TensorF32.zeros(in.shape());
        model.latentVjp(in, firstTimestep, conditions(c, m), cot, out);
        vjps += 2L * m;
        double[][] g = new double[m][n];
        float[] o = out.data();
        for (int k = 0; k < m; k++) {
            for (int j = 0; j < n; j++) {
                g[k][j] = (double) o[k * n + j] - o[(m + k) * n + j];
            }
        }
        return g;
    }

    /** The loss of each row of {@code z} as this method evaluates it (the direction taken at z itself). */
    public double[] loss(String prompt, TensorF32 z) {
        int m = z.batch();
        int n = z.shape().sampleSize();
        double[][] x = new double[m][];
        for (int k = 0; k < m; k++) {
            x[k] = toDouble(z.data(), k * n, n);
        }
        Condition c = model.condition(prompt);
        double[][] d = delta(c, x, z);
        double[][] y = new double[m][n];
        for (int k = 0; k < m; k++) {
            double dn = norm(d[k]);
            for (int j = 0; j < n; j++) {
                y[k][j] = x[k][j] + (dn > 0 ? d[k][j] / dn : 0);
            }
        }
        double[][] dy = delta(c, y, z);
        double[] l = new double[m];
        for (int k = 0; k < m; k++) {
            l[k] = norm(dy[k]) + config.regWeight() * norm(x[k]);
        }
        return l;
    }

    private static Condition[] conditions(Condition c, int m) {
        Condition[] cs = new Condition[2 * m];
        Arrays.fill(cs, 0, m, c);
        Arrays.fill(cs, m, 2 * m, Condition.NULL);
        return cs;
    }

    private static TensorF32 stacked(double[][] z, TensorF32 like) {
        double[][] both = new double[2 * z.length][];
        for (int k = 0; k < z.length; k++) {
            both[k] = z[k];
            both[z.length + k] = z[k];
        }
        return new TensorF32(like.shape().withBatch(2 * z.length), toFloat(both, z[0].length));
    }

    private static float[] toFloat(double[][] rows, int n) {
        float[] f = new float[rows.length * n];
        for (int k = 0; k < rows.length; k++) {
            for (int j = 0; j < n; j++) {
                f[k * n + j] = (float) rows[k][j];
            }
        }
        return f;
    }

    private static double[] toDouble(float[] f, int offset, int n) {
        double[] d = new double[n];
        for (int j = 0; j < n; j++) {
            d[j] = f[offset + j];
        }
        return d;
    }

    /** Fresh standard-normal candidate j of a round, from the prompt's seed (float-rounded like the runner's noise). */
    static double[] gaussian(long seed, int round, int j, int n) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + (round * 1024L + j + 1) * 0xBF58476D1CE4E5B9L);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return d;
    }

    private static boolean containsRow(List<Taken> rows, double[] x) {
        for (Taken r : rows) {
            if (Arrays.equals(r.x, x)) {
                return true;
            }
        }
        return false;
    }

    private static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    @Override
    public Map<String, Double> statistics() {
        Map<String, Double> m = new LinkedHashMap<>();
        double s = Math.max(1, samples);
        m.put("samples_optimized", (double) samples);
        m.put("share_reaching_threshold", accepted / s);
        m.put("share_noise_unchanged", unchanged / s);
        m.put("mean_rounds_per_sample", rounds / s);
        m.put("adam_updates_per_sample", updates / s);
        m.put("threshold_raises", (double) raises);
        m.put("mean_initial_loss", initialLossSum / s);
        m.put("mean_final_loss", finalLossSum / s);
        m.put("threshold", config.threshold());
        m.put("extra_forward_passes_per_sample", forwardPasses / s);
        m.put("latent_vjps_per_sample", vjps / s);
        return m;
    }
}
