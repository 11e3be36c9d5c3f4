package dev.memscope.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.diffusion.DdimSampler;
import dev.memscope.diffusion.StepHook;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.model.lab.LabWorld;
import dev.memscope.tensor.TensorF32;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Wen et al.'s embedding optimization: its optimizer against torch, and what it achieves in the lab. */
class WenEmbeddingOptimizationTest {

    /**
     * {@link AdamW} against {@code torch.optim.AdamW(lr=0.05)} trajectories written by
     * {@code scripts/mitigate/adamw_expected.py} (float64); rtol 1e-12 per element (a few float64 roundings per step
     * in a different order).
     */
    @Test
    void adamWMatchesTorch() throws Exception {
        JsonNode doc;
        try (InputStream in = getClass().getResourceAsStream("/mitigate/adamw.json")) {
            doc = new ObjectMapper().readTree(in);
        }
        assertThat(doc.get("cases")).hasSize(3);
        for (JsonNode c : doc.get("cases")) {
            assertThat(c.get("lr").asDouble()).isEqualTo(WenEmbeddingOptimization.LR);
            assertThat(c.get("weight_decay").asDouble()).isEqualTo(WenEmbeddingOptimization.WEIGHT_DECAY);
            assertThat(c.get("eps").asDouble()).isEqualTo(WenEmbeddingOptimization.ADAM_EPS);
            assertThat(c.get("betas").get(0).asDouble()).isEqualTo(WenEmbeddingOptimization.BETA1);
            assertThat(c.get("betas").get(1).asDouble()).isEqualTo(WenEmbeddingOptimization.BETA2);
            double[] p = doubles(c.get("p0"));
            AdamW opt = new AdamW(p.length, WenEmbeddingOptimization.LR, WenEmbeddingOptimization.BETA1,
                    WenEmbeddingOptimization.BETA2, WenEmbeddingOptimization.ADAM_EPS,
                    WenEmbeddingOptimization.WEIGHT_DECAY);
            for (int s = 0; s < c.get("grads").size(); s++) {
                opt.step(p, doubles(c.get("grads").get(s)));
                double[] want = doubles(c.get("expected").get(s));
                for (int i = 0; i < p.length; i++) {
                    assertThat(Math.abs(p[i] - want[i])).as("%s step %d element %d", c.get("name").asText(), s, i)
                            .isLessThanOrEqualTo(1e-12 * Math.max(1, Math.abs(want[i])));
                }
            }
        }
    }

    /**
     * With beta lowered to 30 the text responsibilities are soft, the gradient is informative, and ten AdamW steps
     * shrink the memorized prompts' ||eps_c - eps_u|| at the first timestep (target 0: never reached, so all ten
     * steps run); the optimized embedding is what the plan samples with.
     */
    @Test
    void reducesTheConditionalNormWhereTheGradientIsInformative() {
        LabWorld world = MitigationWorlds.build(MitigationWorlds.small().with("beta", 30.0));
        MitigationContext ctx = MitigationWorlds.context(world);
        WenEmbeddingOptimization wen = new WenEmbeddingOptimization(ctx, 0.0, 10);
        String[] prompts = MitigationWorlds.captions(world, LabWorld.Kind.MEMORIZED).toArray(String[]::new);
        long[] seeds = {1, 2, 3, 4};
        TensorF32 xT = DdimSampler.initialNoise(world.channels(), world.height(), world.width(), seeds);
        Mitigation.Plan plan = wen.plan(prompts, seeds, xT);
        Map<String, Double> st = wen.statistics();
        assertThat(st.get("mean_optimization_steps")).isEqualTo(10.0);
        assertThat(st.get("share_reaching_target")).isZero();
        assertThat(st.get("mean_final_norm")).isLessThan(0.95 * st.get("mean_initial_norm"));
        // eps_u once, eps_c at each of the 11 evaluations, a VJP after each of the first 10.
        assertThat(st.get("extra_forward_passes_per_sample")).isEqualTo(12.0);
        assertThat(st.get("embedding_vjps_per_sample")).isEqualTo(10.0);
        assertThat(plan.hook()).isSameAs(StepHook.NONE);
        assertThat(plan.effectivePrompts()).containsExactly(prompts);
        for (int b = 0; b < prompts.length; b++) {
            assertThat(plan.conditions()[b].embedding())
                    .isNotEqualTo(ctx.model().condition(prompts[b]).embedding());
        }
        // A target above every starting norm stops before the first update: the prompt is sampled as given.
        WenEmbeddingOptimization easy = new WenEmbeddingOptimization(ctx, 1e3, 10);
        Mitigation.Plan same = easy.plan(prompts, seeds, xT);
        assertThat(easy.statistics().get("mean_optimization_steps")).isZero();
        assertThat(easy.statistics().get("share_reaching_target")).isEqualTo(1.0);
        assertThat(same.conditions()[0].embedding()).isEqualTo(ctx.model().condition(prompts[0]).embedding());
    }

    /**
     * At the lab's default beta (1e5) the text prior is one-hot, the exact gradient is zero, and the optimization
     * cannot move: the statistics must say so (no target reached, final norm = initial norm) rather than hide it.
     */
    @Test
    void reportsNoProgressWhereTheGradientVanishes() {
        LabWorld world = MitigationWorlds.build(MitigationWorlds.small());
        WenEmbeddingOptimization wen = new WenEmbeddingOptimization(MitigationWorlds.context(world), 0.0, 10);
        String[] prompts = MitigationWorlds.captions(world, LabWorld.Kind.MEMORIZED).toArray(String[]::new);
        long[] seeds = {1, 2, 3, 4};
        wen.plan(prompts, seeds, DdimSampler.initialNoise(world.channels(), world.height(), world.width(), seeds));
        Map<String, Double> st = wen.statistics();
        assertThat(st.get("share_reaching_target")).isZero();
        assertThat(st.get("mean_final_norm")).isEqualTo(st.get("mean_initial_norm"));
    }

    @Test
    void rejectsModelsWithoutAnEmbeddingGradientAndBadSettings() {
        LabWorld world = MitigationWorlds.build(MitigationWorlds.small());
        MitigationContext lab = MitigationWorlds.context(world);
        Denoiser plain = new Denoiser() {
            public PredictionType predictionType() {
                return PredictionType.EPSILON;
            }

            public int channels() {
                return 4;
            }

            public int height() {
                return 8;
            }

            public int width() {
                return 8;
            }

            public Condition condition(String prompt) {
                return Condition.NULL;
            }

            public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
            }
        };
        MitigationContext ctx = new MitigationContext(plain, lab.kernels(), lab.training(), List.of("a"), 7.5, 50);
        assertThatThrownBy(() -> new WenEmbeddingOptimization(ctx)).hasMessageContaining("cannot differentiate");
        assertThatThrownBy(() -> new WenEmbeddingOptimization(lab, -1, 10)).hasMessageContaining("target");
        assertThatThrownBy(() -> new WenEmbeddingOptimization(lab, 1, -1)).hasMessageContaining("steps");
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }
}
