package dev.memscope.detect;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.TensorF32;
import java.util.Arrays;
import java.util.List;

/**
 * The denoising-free anisotropy detector. On pure-noise latents x_T shared by all prompts:
 * <pre>
 *   N = ||out_c(x_T, 981) - out_u(x_T, 981)||, times the preset's factor                (guidance magnitude)
 *   A = mean over pixels of cos(eps_u(x_T, 41), eps_c(x_T, 41) - eps_u(x_T, 41))         (alignment, low noise)
 *   score = g1 N + g2 A
 * </pre>
 * Both timesteps are fed the same x_T (not a denoised latent): that is what makes it denoising-free, two batched
 * CFG evaluations (4 forward passes per image).
 *
 * <p>The formula per model family is an {@link AnisotropyPreset} (sd1, sd2, rv, as the authors' code scores them);
 * without one the model's prediction type picks it (eps -> sd1, v -> sd2). sd2 and rv scale N by
 * {@code sqrt(abar)/(1 - abar)} on the raw output difference (for v: {@code ||eps_c - eps_u|| / (1 - abar)}, since
 * {@code v_c - v_u = (eps_c - eps_u)/sqrt(abar)} at a common x_t). sd2 takes A on the raw v outputs as the authors
 * do; {@link AnisotropySettings#space} = eps takes it on converted eps instead. The cosine variant
 * ({@code uncond-guidance} = the authors' mode {@code x,c|x}, {@code cond-uncond} = {@code x,x|c},
 * {@code cond-guidance} = {@code x|c,c|x}) is a setting too.
 */
public final class AnisotropyDetector implements Detector {
    public static final int T_MAGNITUDE = 981;
    public static final int T_ALIGNMENT = 41;
    public static final long DEFAULT_SEED = 20240;
    public static final double[] EPS_WEIGHTS = {AnisotropyPreset.SD1.g1, AnisotropyPreset.SD1.g2};
    public static final double[] V_WEIGHTS = {AnisotropyPreset.SD2.g1, AnisotropyPreset.SD2.g2};

    private final AnisotropySettings settings;
    private final String name;

    /** Paper defaults: one shared image, the preset chosen by the model's prediction type. */
    public AnisotropyDetector() {
        this(1, DEFAULT_SEED, null);
    }

    /** {@code weights} = {g1, g2}, or null for the defaults of the model's preset. */
    public AnisotropyDetector(int images, long seed, double[] weights) {
        this(new AnisotropySettings(images, seed, weights, null, null, null), "anisotropy");
    }

    /** Every setting: preset, g, alignment space and variant (nulls = the preset's or the defaults). */
    public AnisotropyDetector(AnisotropySettings settings) {
        this(settings, "anisotropy");
    }

    /**
     * The score's terms alone, for reports that show what each contributes: {@code anisotropy-n} (g = (1, 0), the
     * guidance magnitude) and {@code anisotropy-a} (g = (0, 1), the alignment).
     */
    public static AnisotropyDetector term(String term, int images) {
        return term(term, new AnisotropySettings(images, DEFAULT_SEED, null, null, null, null));
    }

    /** A term alone with the other settings (preset, space, variant, seed, images) of {@code s}. */
    public static AnisotropyDetector term(String term, AnisotropySettings s) {
        return switch (term) {
            case "n" -> new AnisotropyDetector(s.withWeights(new double[] {1, 0}), "anisotropy-n");
            case "a" -> new AnisotropyDetector(s.withWeights(new double[] {0, 1}), "anisotropy-a");
            default -> throw new IllegalArgumentException("anisotropy has terms n and a, not '" + term + "'");
        };
    }

    private AnisotropyDetector(AnisotropySettings settings, String name) {
        this.settings = settings;
        this.name = name;
    }

    public AnisotropySettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DetectorNeeds needs() {
        return DetectorNeeds.pureNoise(settings.images(), T_MAGNITUDE, T_ALIGNMENT);
    }

    /** Scored alone, or on a recording: [u; c] at both timesteps for each of the prompt's images. */
    @Override
    public DetectorCost cost() {
        return new DetectorCost(0, settings.images(), 4L * settings.images());
    }

    /**
     * On shared noise the unconditional outputs are the same for every prompt (same x_T, same empty condition,
     * same timestep), so a call evaluates them once per image: 2 passes per prompt and image, plus 2 per image.
     */
    @Override
    public DetectorCost cost(Denoiser model) {
        return model.recording().isPresent() ? cost()
                : new DetectorCost(0, settings.images(), 2L * settings.images(), 2L * settings.images());
    }

    /** N and A per item (prompt-major, image-minor), N already scaled as the preset says: {N[], A[]}. */
    double[][] terms(List<String> prompts, DetectionContext ctx) {
        return terms(prompts, ctx, true);
    }

    /** {@code shareUnconditional}: evaluate the unconditional outputs once per image where the noise is shared. */
    double[][] terms(List<String> prompts, DetectionContext ctx, boolean shareUnconditional) {
        Denoiser model = ctx.model();
        AnisotropyPreset preset = settings.presetFor(model.predictionType());
        AnisotropyPreset.Space space = settings.spaceFor(model.predictionType());
        SharedNoise noise = new SharedNoise(model, prompts, settings.images(), settings.seed());
        int n = noise.x.batch();
        TensorF32 both = BatchedEps.twice(noise.x);
        float[] nf = new float[n];
        float[] af = new float[n];
        TensorF32[] hiLo = shareUnconditional && noise.shared() ? sharedUnconditional(ctx, model, noise)
                : perItem(ctx, model, noise);
        TensorF32 hiOut = hiLo[0];
        TensorF32 loOut = hiLo[1];
        boolean v = model.predictionType() == PredictionType.V_PREDICTION;
        // N on eps: for an eps model that is the raw output; for a v model ||eps_c - eps_u|| = sqrt(abar) ||v_c - v_u||
        if (v) {
            BatchedEps.vToEps(ctx, both, hiOut, T_MAGNITUDE);
            if (space != AnisotropyPreset.Space.RAW) {
                BatchedEps.vToEps(ctx, both, loOut, T_ALIGNMENT);
            }
        }
        TensorF32[] hi = BatchedEps.halves(hiOut);
        ctx.kernels().diffNorm(hi[1], hi[0], nf);
        TensorF32[] lo = BatchedEps.halves(loOut);
        ctx.kernels().guidanceAlignment(lo[1], lo[0], settings.variant(), af);
        double scale = 1;
        if (preset.scoreScaledNorm) {
            double abar = NoiseSchedule.stableDiffusion().alphabar(T_MAGNITUDE);
            // sqrt(abar)/(1-abar) ||out_c - out_u||: for v outputs ||v_c - v_u|| = ||eps_c - eps_u|| / sqrt(abar)
            scale = model.predictionType() == PredictionType.V_PREDICTION
                    ? 1 / (1 - abar) : Math.sqrt(abar) / (1 - abar);
        }
        double[][] out = new double[2][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = scale * nf[i];
            out[1][i] = af[i];
        }
        return out;
    }

    /**
     * Raw outputs {@code [u; c]} at t = 981 and at t = 41 for every item, in one batch of 4n latents: [u; c] at
     * t = 981, then [u; c] at t = 41.
     */
    private static TensorF32[] perItem(DetectionContext ctx, Denoiser model, SharedNoise noise) {
        int n = noise.x.batch();
        TensorF32 both = BatchedEps.twice(noise.x);
        Condition[] conds = BatchedEps.nullThen(noise.conditions);
        int[] ts = new int[4 * n];
        Arrays.fill(ts, 0, 2 * n, T_MAGNITUDE);
        Arrays.fill(ts, 2 * n, 4 * n, T_ALIGNMENT);
        Condition[] conds4 = Arrays.copyOf(conds, 4 * n);
        System.arraycopy(conds, 0, conds4, 2 * n, 2 * n);
        TensorF32 outs = BatchedEps.rawAt(ctx, model, BatchedEps.twice(both), ts, conds4);
        return new TensorF32[] {outs.slice(0, 2 * n), outs.slice(2 * n, 4 * n)};
    }

    /**
     * The same outputs as {@link #perItem} where every prompt meets the same k images: the unconditional output of
     * image i is one evaluation, shared by the prompts. One batch of 2k + 2n latents ([u_1..u_k; c_1..c_n] at
     * t = 981, then the same at t = 41), expanded to the [u; c] layout of 2n items per timestep.
     */
    private static TensorF32[] sharedUnconditional(DetectionContext ctx, Denoiser model, SharedNoise noise) {
        int n = noise.x.batch();
        int k = noise.images;
        int per = noise.x.shape().sampleSize();
        int half = k + n;
        float[] xs = new float[2 * half * per];
        Condition[] conds = new Condition[2 * half];
        int[] ts = new int[2 * half];
        for (int h = 0; h < 2; h++) {
            int base = h * half;
            // item p * k + i is prompt p on image i, so items 0..k-1 hold the k images
            System.arraycopy(noise.x.data(), 0, xs, base * per, k * per);
            System.arraycopy(noise.x.data(), 0, xs, (base + k) * per, n * per);
            Arrays.fill(conds, base, base + k, Condition.NULL);
            System.arraycopy(noise.conditions, 0, conds, base + k, n);
            Arrays.fill(ts, base, base + half, h == 0 ? T_MAGNITUDE : T_ALIGNMENT);
        }
        TensorF32 outs = BatchedEps.rawAt(ctx, model, new TensorF32(noise.x.shape().withBatch(2 * half), xs), ts,
                conds);
        TensorF32[] out = new TensorF32[2];
        for (int h = 0; h < 2; h++) {
            float[] o = new float[2 * n * per];
            int base = h * half;
            for (int j = 0; j < n; j++) {
                System.arraycopy(outs.data(), (base + j % k) * per, o, j * per, per);
            }
            System.arraycopy(outs.data(), (base + k) * per, o, n * per, n * per);
            out[h] = new TensorF32(noise.x.shape().withBatch(2 * n), o);
        }
        return out;
    }

    /**
     * The score of every prompt with its two terms, each averaged over the prompt's images: {@code N} (the guidance
     * magnitude, scaled for v-prediction) and {@code A} (the alignment). {@code score = g1 N + g2 A} holds per
     * image and so for the means. {@code memscope scan} writes all three; {@link #score} is this without the terms.
     */
    public record TermScores(Scores scores, double[] n, double[] a) {
    }

    @Override
    public Scores score(List<String> prompts, DetectionContext ctx) {
        return scoreWithTerms(prompts, ctx).scores();
    }

    /** {@link #score} with the terms N and A of each prompt (one pass over the model, the same numbers). */
    public TermScores scoreWithTerms(List<String> prompts, DetectionContext ctx) {
        PromptChecks.require(name(), prompts);
        RecordedModels.requireServable(this, ctx.model());
        long start = System.nanoTime();
        CountingDenoiser counter = new CountingDenoiser(ctx.model());
        DetectionContext c = new DetectionContext(counter, ctx.kernels(), ctx.batchSize(), ctx.progress());
        double[] g = settings.weightsFor(ctx.model().predictionType());
        int images = settings.images();
        ctx.progress().start(name(), cost(ctx.model()).forwardPasses(prompts.size()));
        double[][] t = terms(prompts, c);
        double[] item = new double[t[0].length];
        for (int i = 0; i < item.length; i++) {
            item[i] = g[0] * t[0][i] + g[1] * t[1][i];
        }
        ctx.progress().done();
        double[] s = new double[prompts.size()];
        double[] n = new double[prompts.size()];
        double[] a = new double[prompts.size()];
        for (int p = 0; p < s.length; p++) {
            double sum = 0;
            double sn = 0;
            double sa = 0;
            for (int i = 0; i < images; i++) {
                sum += item[p * images + i];
                sn += t[0][p * images + i];
                sa += t[1][p * images + i];
            }
            s[p] = sum / images;
            n[p] = sn / images;
            a[p] = sa / images;
        }
        Scores scores = new Scores(name(), s, counter.passes(), System.nanoTime() - start);
        // the score's finiteness promise (Scores) holds for its terms too: a NaN term must not reach an output
        requireFinite("N", n);
        requireFinite("A", a);
        return new TermScores(scores, n, a);
    }

    private void requireFinite(String term, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalStateException(name() + ": term " + term + " of prompt " + i + " is " + v[i]);
            }
        }
    }
}
