package dev.memscope.detect;

import dev.memscope.diffusion.DdimSampler;
import java.util.List;

/**
 * Wen et al. (ICLR 2024): the magnitude of the text-conditional noise prediction,
 * {@code mean over steps [start, end) and n generations of ||eps_c - eps_u||}, along real CFG DDIM trajectories
 * (guidance 7.5, 50 steps). The first-step form ({@code end = 1}, {@code wen-first}) needs one CFG evaluation per
 * generation; the full form ({@code wen-full}) denoises all 50 steps. Only the first {@code end} steps are run.
 * Generation seeds: see {@link Generations}.
 */
public final class WenDetector implements Detector {
    public static final int DEFAULT_GENERATIONS = 4;
    public static final long DEFAULT_SEED = 0;

    private final int start;
    private final int end;
    private final int steps;
    private final int generations;
    private final long baseSeed;
    private final double guidance;

    public WenDetector(int start, int end, int steps, int generations, long baseSeed, double guidance) {
        if (steps < 1 || start < 0 || end <= start || end > steps) {
            throw new IllegalArgumentException("wen: need 0 <= start < end <= steps, got [" + start + ", " + end
                    + ") of " + steps);
        }
        if (generations < 1) {
            throw new IllegalArgumentException("wen: generations per prompt must be >= 1, got " + generations);
        }
        this.start = start;
        this.end = end;
        this.steps = steps;
        this.generations = generations;
        this.baseSeed = baseSeed;
        this.guidance = guidance;
    }

    /** The first-step form with the paper's defaults (n generations). */
    public static WenDetector firstStep(int generations) {
        return new WenDetector(0, 1, DdimSampler.DEFAULT_STEPS, generations, DEFAULT_SEED, DdimSampler.DEFAULT_GUIDANCE);
    }

    /** The full-trajectory form with the paper's defaults (n generations, 50 steps). */
    public static WenDetector fullTrajectory(int generations) {
        return new WenDetector(0, DdimSampler.DEFAULT_STEPS, DdimSampler.DEFAULT_STEPS, generations, DEFAULT_SEED,
                DdimSampler.DEFAULT_GUIDANCE);
    }

    @Override
    public String name() {
        if (start == 0 && end == 1) {
            return "wen-first";
        }
        if (start == 0 && end == steps) {
            return "wen-full";
        }
        return "wen-" + start + "-" + end;
    }

    /** The first-step form reads eps at the pure-noise latent only; every longer form follows the trajectory. */
    @Override
    public DetectorNeeds needs() {
        if (start == 0 && end == 1) {
            return DetectorNeeds.pureNoise(generations, dev.memscope.diffusion.NoiseSchedule.stableDiffusion()
                    .ddimTimesteps(steps)[0]);
        }
        return DetectorNeeds.trajectory(generations, steps, guidance);
    }

    @Override
    public DetectorCost cost() {
        return new DetectorCost(end, generations, 2L * end * generations);
    }

    @Override
    public Scores score(List<String> prompts, DetectionContext ctx) {
        PromptChecks.require(name(), prompts);
        RecordedModels.requireServable(this, ctx.model());
        long t0 = System.nanoTime();
        CountingDenoiser counter = new CountingDenoiser(ctx.model());
        DetectionContext c = new DetectionContext(counter, ctx.kernels(), ctx.batchSize(), ctx.progress());
        ctx.progress().start(name(), cost().forwardPassesPerPrompt() * prompts.size());
        double[] sum = new double[prompts.size() * generations];
        Generations.run(c, prompts, generations, baseSeed, guidance, steps, end, (first, step, t, epsU, epsC) -> {
            if (step < start) {
                return;
            }
            float[] norms = new float[epsU.batch()];
            c.kernels().diffNorm(epsC, epsU, norms);
            for (int i = 0; i < norms.length; i++) {
                sum[first + i] += norms[i];
            }
        }, false);
        ctx.progress().done();
        double[] s = new double[prompts.size()];
        for (int i = 0; i < sum.length; i++) {
            s[i / generations] += sum[i] / ((double) (end - start) * generations);
        }
        return new Scores(name(), s, counter.passes(), System.nanoTime() - t0);
    }
}
