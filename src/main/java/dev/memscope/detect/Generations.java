package dev.memscope.detect;

import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.RecordedNoise;
import dev.memscope.tensor.TensorF32;
import java.util.List;

/**
 * Real CFG DDIM generations for the detectors that sample: item {@code p * n + g} is generation g of prompt p, drawn
 * from seed {@code baseSeed + p + g * SEED_STRIDE} (so generation 0 uses prompt index + base seed, and lowering n
 * keeps the first generations), or taken from the model's {@link RecordedNoise} when it is a replay. Items run through the sampler in chunks of {@code max(1, batchSize / 2)}: each
 * step is one denoiser call of 2 latents per item (a CFG pair is never split).
 */
final class Generations {
    static final long SEED_STRIDE = 1_000_003L;

    /** What a detector does with each step of a chunk; {@code first} is the item index of the chunk's first row. */
    interface ChunkHook {
        void onStep(int first, int step, int t, TensorF32 epsU, TensorF32 epsC);
    }

    private Generations() {
    }

    static long seed(long baseSeed, int prompt, int generation) {
        return baseSeed + prompt + generation * SEED_STRIDE;
    }

    /**
     * Samples every item for {@code stepsToRun} of {@code steps} steps; returns the latents reached (x0 for a full
     * run) when {@code keep}, else null.
     */
    static TensorF32 run(DetectionContext ctx, List<String> prompts, int generations, long baseSeed, double guidance,
                         int steps, int stepsToRun, ChunkHook hook, boolean keep) {
        Denoiser model = ctx.model();
        int n = prompts.size() * generations;
        int chunk = Math.max(1, ctx.batchSize() / 2);
        Condition[] conds = new Condition[prompts.size()];
        for (int p = 0; p < conds.length; p++) {
            conds[p] = model.condition(prompts.get(p));
        }
        DdimSampler sampler = new DdimSampler(model, ctx.kernels());
        RecordedNoise recorded = model.recording().orElse(null);
        TensorF32 all = null;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            long[] seeds = new long[to - from];
            Condition[] c = new Condition[to - from];
            for (int i = from; i < to; i++) {
                seeds[i - from] = seed(baseSeed, i / generations, i % generations);
                c[i - from] = conds[i / generations];
            }
            TensorF32 xT;
            if (recorded == null) {
                xT = DdimSampler.initialNoise(model.channels(), model.height(), model.width(), seeds);
            } else {
                String[] ps = new String[to - from];
                int[] gs = new int[to - from];
                for (int i = from; i < to; i++) {
                    ps[i - from] = prompts.get(i / generations);
                    gs[i - from] = i % generations;
                }
                xT = RecordedModels.initialNoise(recorded, model, ps, gs);
            }
            int first = from;
            int pair = 2 * (to - from);
            StepHook h = (step, t, abar, xt, epsU, epsC, x0, guided) -> {
                hook.onStep(first, step, t, epsU, epsC);
                ctx.progress().advance(pair);
            };
            TensorF32 x = sampler.sample(xT, c, guidance, steps, h, stepsToRun);
            if (keep) {
                if (all == null) {
                    all = TensorF32.zeros(x.shape().withBatch(n));
                }
                int per = x.shape().sampleSize();
                System.arraycopy(x.data(), 0, all.data(), from * per, (to - from) * per);
            }
        }
        return all;
    }
}
