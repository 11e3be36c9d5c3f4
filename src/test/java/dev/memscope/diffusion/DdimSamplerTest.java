package dev.memscope.diffusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.kernels.cpu.VectorGemm;
import dev.memscope.model.Condition;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.tensor.TensorF32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sampler's contract: deterministic, 50 leading-spaced steps, and the hook's changes are what the step uses.
 * (Reproduction of memorized images is checked on the default world in DefaultWorldTest.)
 */
class DdimSamplerTest {

    private static TensorF32 sample(LabDenoiser model, ScoreKernels k, String prompt, int seeds, StepHook hook) {
        long[] s = new long[seeds];
        Condition[] c = new Condition[seeds];
        Condition cond = model.condition(prompt);
        for (int i = 0; i < seeds; i++) {
            s[i] = 100 + i;
            c[i] = cond;
        }
        return new DdimSampler(model, k).sample(
                DdimSampler.initialNoise(model.channels(), model.height(), model.width(), s), c, 7.5, 50, hook);
    }



    @Test
    void samplingIsBitIdenticalAndTheHookSeesEveryStep() {
        LabWorld w = LabWorld.build(LabConfig.defaults().with("channels", 2).with("height", 8).with("width", 8)
                .with("genericComponents", 16).with("embeddingDim", 64), List.of("a red hippo", "a podcast cover"),
                List.of("a small kitchen"));
        try (LabDenoiser m1 = new LabDenoiser(w, new VectorGemm(1)); LabDenoiser m2 = new LabDenoiser(w, new VectorGemm(2));
             ScoreKernels k = Backends.create("cpu")) {
            List<Integer> ts = new ArrayList<>();
            TensorF32 a = sample(m1, k, "a red hippo", 3, (step, t, abar, xt, eu, ec, x0, g) -> ts.add(t));
            TensorF32 b = sample(m2, k, "a red hippo", 3, StepHook.NONE);
            assertThat(b.data()).isEqualTo(a.data());
            assertThat(ts).hasSize(50).startsWith(981, 961).endsWith(1);
            // A hook that zeroes the guided eps changes the result: the sampler uses what the hook leaves.
            TensorF32 c = sample(m1, k, "a red hippo", 3, (step, t, abar, xt, eu, ec, x0, g) -> Arrays.fill(g.data(), 0f));
            assertThat(c.data()).isNotEqualTo(a.data());
        }
    }
}
