package dev.memscope.mitigate;

import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.tensor.TensorF32;
import java.util.Map;

/**
 * An inference-time memorization mitigation. It may rewrite what the sampler is conditioned on (RNA/RTA change the
 * prompt text, Wen et al. optimize the prompt embedding) and may steer every DDIM step through a {@link StepHook}
 * (AMG). The MemBench runner samples {@code x0 = DdimSampler.sample(xT, plan.conditions(), guidance, steps,
 * plan.hook())}; a mitigation never runs its own sampling loop, so every method is scored by the same sampler.
 *
 * <p>Instances come from {@link Mitigations#create}; one instance serves a whole run (it may keep statistics) and
 * is used from one thread.
 */
public interface Mitigation {

    /** Short name used on the command line and in reports: none, rna, rta, wen, amg, ren. */
    String name();

    /**
     * Prepares the sampling of one batch: sample b is {@code prompts[b]} from initial noise {@code xT[b]};
     * {@code seeds[b]} seeds any random choice made for that sample (so a run is reproducible and independent of
     * batching).
     */
    Plan plan(String[] prompts, long[] seeds, TensorF32 xT);

    /**
     * What the run cost and did beyond the sampler's own passes, for the report (e.g. AMG's share of steps that
     * triggered, Wen's mean optimization steps, extra forward passes). Keys are stable snake_case names.
     */
    default Map<String, Double> statistics() {
        return Map.of();
    }

    /**
     * The conditions to sample with (one per sample), the hook that steers each step ({@link StepHook#NONE} for
     * none), and the prompt text actually used per sample (for the report; equal to the input where unchanged).
     */
    record Plan(Condition[] conditions, StepHook hook, String[] effectivePrompts) {
        public Plan {
            if (conditions.length != effectivePrompts.length) {
                throw new IllegalArgumentException("plan: " + conditions.length + " conditions for "
                        + effectivePrompts.length + " prompts");
            }
        }
    }
}
