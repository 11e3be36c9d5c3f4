package dev.memscope.mitigate;

import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.tensor.TensorF32;

/** The baseline: plain classifier-free guided sampling of the prompt as given. */
public final class NoMitigation implements Mitigation {
    private final Denoiser model;

    public NoMitigation(MitigationContext ctx) {
        this.model = ctx.model();
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Plan plan(String[] prompts, long[] seeds, TensorF32 xT) {
        Condition[] c = new Condition[prompts.length];
        for (int b = 0; b < prompts.length; b++) {
            c[b] = model.condition(prompts[b]);
        }
        return new Plan(c, StepHook.NONE, prompts.clone());
    }
}
