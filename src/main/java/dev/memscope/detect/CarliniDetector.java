package dev.memscope.detect;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.tensor.TensorF32;
import java.util.List;

/**
 * Carlini et al. (USENIX Security 2023) style baseline: generate n images per prompt (CFG DDIM, guidance 7.5,
 * 50 steps) and score the density of near-duplicate pairs, {@code #near-duplicate pairs / (n (n - 1) / 2)}.
 *
 * <p>Distance ("tiled l2"): the latent is cut into a 4 x 4 grid of spatial tiles (all channels; rows
 * {@code [i H/4, (i+1) H/4)}, likewise columns); the distance of a pair is the largest per-tile RMS difference
 * {@code sqrt(mean over the tile of (a - b)^2)}, so two generations are near-duplicates only if every region
 * matches. Lab stand-in for the paper's pixel-space threshold: a pair is a near-duplicate when that distance is
 * below {@link #DEFAULT_THRESHOLD} = 0.1, a third of the lab's per-element spread of image means
 * ({@code meanScale} 0.3): copies of one memorized image differ by ~0.04 RMS ({@code memSigma2} 1e-3), two
 * samples of a broad cluster by ~1.3. The lab's default is n = 8 generations (the paper draws 500 per prompt;
 * with 28 pairs the score still has 29 levels).
 */
public final class CarliniDetector implements Detector {
    public static final int DEFAULT_GENERATIONS = 8;
    public static final double DEFAULT_THRESHOLD = 0.1;
    public static final int GRID = 4;
    public static final long DEFAULT_SEED = 0;

    private final int generations;
    private final double threshold;
    private final long baseSeed;

    public CarliniDetector() {
        this(DEFAULT_GENERATIONS, DEFAULT_THRESHOLD, DEFAULT_SEED);
    }

    public CarliniDetector(int generations, double threshold, long baseSeed) {
        if (generations < 2) {
            throw new IllegalArgumentException("carlini: needs >= 2 generations per prompt to form pairs, got "
                    + generations);
        }
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("carlini: threshold must be finite and > 0, got " + threshold);
        }
        this.generations = generations;
        this.threshold = threshold;
        this.baseSeed = baseSeed;
    }

    @Override
    public String name() {
        return "carlini";
    }

    /** Full generations: a recording serves it only if it holds that many trajectories per prompt. */
    @Override
    public DetectorNeeds needs() {
        return DetectorNeeds.trajectory(generations, DdimSampler.DEFAULT_STEPS, DdimSampler.DEFAULT_GUIDANCE);
    }

    @Override
    public DetectorCost cost() {
        return new DetectorCost(DdimSampler.DEFAULT_STEPS, generations, 2L * DdimSampler.DEFAULT_STEPS * generations);
    }

    @Override
    public Scores score(List<String> prompts, DetectionContext ctx) {
        PromptChecks.require(name(), prompts);
        RecordedModels.requireServable(this, ctx.model());
        long t0 = System.nanoTime();
        CountingDenoiser counter = new CountingDenoiser(ctx.model());
        DetectionContext c = new DetectionContext(counter, ctx.kernels(), ctx.batchSize(), ctx.progress());
        ctx.progress().start(name(), cost().forwardPassesPerPrompt() * prompts.size());
        TensorF32 x0 = Generations.run(c, prompts, generations, baseSeed, DdimSampler.DEFAULT_GUIDANCE,
                DdimSampler.DEFAULT_STEPS, DdimSampler.DEFAULT_STEPS, (first, step, t, u, e) -> { }, true);
        ctx.progress().done();
        double[] s = new double[prompts.size()];
        int pairs = generations * (generations - 1) / 2;
        for (int p = 0; p < s.length; p++) {
            int near = 0;
            for (int a = 0; a < generations; a++) {
                for (int b = a + 1; b < generations; b++) {
                    near += tiledDistance(x0, p * generations + a, p * generations + b) < threshold ? 1 : 0;
                }
            }
            s[p] = near / (double) pairs;
        }
        return new Scores(name(), s, counter.passes(), System.nanoTime() - t0);
    }

    /** Largest per-tile RMS difference between samples a and b of x (float64 sums). */
    static double tiledDistance(TensorF32 x, int a, int b) {
        int ch = x.shape().channels();
        int h = x.shape().height();
        int w = x.shape().width();
        int gh = Math.min(GRID, h);
        int gw = Math.min(GRID, w);
        float[] d = x.data();
        int oa = x.offset(a);
        int ob = x.offset(b);
        double worst = 0;
        for (int ti = 0; ti < gh; ti++) {
            for (int tj = 0; tj < gw; tj++) {
                int r0 = ti * h / gh;
                int r1 = (ti + 1) * h / gh;
                int c0 = tj * w / gw;
                int c1 = (tj + 1) * w / gw;
                double ss = 0;
                for (int cc = 0; cc < ch; cc++) {
                    for (int r = r0; r < r1; r++) {
                        int row = (cc * h + r) * w;
                        for (int col = c0; col < c1; col++) {
                            double diff = d[oa + row + col] - d[ob + row + col];
                            ss += diff * diff;
                        }
                    }
                }
                worst = Math.max(worst, Math.sqrt(ss / ((double) ch * (r1 - r0) * (c1 - c0))));
            }
        }
        return worst;
    }
}
