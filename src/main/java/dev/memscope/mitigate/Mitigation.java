package dev.memscope.mitigate;

import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.tensor.TensorF32;
import java.util.Map;

/**
 * An inference-time memorization mitigation. It may rewrite what the sampler is conditioned on (RNA/RTA change the
 * prompt text, Wen et al. optimize the prompt embedding), may replace the initial noise (SAIL optimizes x_T) and
 * may steer every DDIM step through a {@link StepHook} (AMG). The MemBench runner samples
 * {@code x0 = DdimSampler.sample(plan.noise(xT), plan.conditions(), guidance, steps, plan.hook())}; a mitigation
 * never runs its own sampling loop, so every method is scored by the same sampler.
 *
 * <p>Instances come from {@link Mitigations#create}; one instance serves a whole run (it may keep statistics) and
 * is used from one thread.
 */
public interface Mitigation {

    /** Short name used on the command line and in reports: none, rna, rta, wen, amg, sail, ren. */
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
     * none), the prompt text actually used per sample (for the report; equal to the input where unchanged), and the
     * initial noise to sample from: {@code null} keeps the runner's x_T; SAIL returns its optimized x_T.
     */
    record Plan(Condition[] conditions, StepHook hook, String[] effectivePrompts, TensorF32 initialNoise) {
        public Plan {
            if (conditions.length != effectivePrompts.length) {
                throw new IllegalArgumentException("plan: " + conditions.length + " conditions for "
                        + effectivePrompts.length + " prompts");
            }
            if (initialNoise != null && initialNoise.batch() != conditions.length) {
                throw new IllegalArgumentException("plan: initial noise of batch " + initialNoise.batch() + " for "
                        + conditions.length + " conditions");
            }
        }

        /** A plan that samples from the runner's own initial noise. */
        public Plan(Condition[] conditions, StepHook hook, String[] effectivePrompts) {
            this(conditions, hook, effectivePrompts, null);
        }

        /** The noise to sample from: this plan's, or the runner's {@code xT} where the method keeps it. */
        public TensorF32 noise(TensorF32 xT) {
            if (initialNoise != null && !initialNoise.shape().equals(xT.shape())) {
                throw new IllegalArgumentException("plan: initial noise has shape " + initialNoise.shape()
                        + ", the runner's x_T " + xT.shape());
            }
            return initialNoise != null ? initialNoise : xT;
        }
    }
}
