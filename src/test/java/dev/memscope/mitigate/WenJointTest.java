package dev.memscope.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.model.Condition;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Wen et al.'s authors' form: one embedding per prompt, optimized jointly over all of the prompt's images on the
 * plain L2 norm of the batch's eps_c - eps_u, AdamW lr 0.05, at most 10 updates, stopping at the target. Checked
 * against scripts/mitigate/wen_joint_expected.py (NumPy float64, its own AdamW and gradient) on a linear test
 * denoiser {@code eps = 0.5 x + M e + x * (N e)}. The Java model computes in float64 but returns float32 eps, so the
 * loss is compared to 1e-5 relative and the final embeddings to 1e-4 absolute (Adam's normalised steps pass float32
 * rounding of the gradient through almost unchanged).
 */
class WenJointTest {

    /** The linear test denoiser of wen_joint_expected.py: C = 1, H = 2, W = 3, E = 4. */
    static final class Linear implements EmbeddingGradientDenoiser {
        final double[][] m;
        final double[][] n;
        final JsonNode emb;
        int predictCalls;

        Linear(JsonNode ref) {
            m = matrix(ref.get("M"));
            n = matrix(ref.get("N"));
            emb = ref.get("embeddings");
        }

        static double[][] matrix(JsonNode a) {
            double[][] out = new double[a.size()][a.get(0).size()];
            for (int i = 0; i < out.length; i++) {
                for (int j = 0; j < out[i].length; j++) {
                    out[i][j] = a.get(i).get(j).asDouble();
                }
            }
            return out;
        }

        @Override
        public PredictionType predictionType() {
            return PredictionType.EPSILON;
        }

        @Override
        public int channels() {
            return 1;
        }

        @Override
        public int height() {
            return 2;
        }

        @Override
        public int width() {
            return 3;
        }

        @Override
        public Condition condition(String prompt) {
            if (prompt.isEmpty()) {
                return Condition.NULL;
            }
            JsonNode e = emb.get(prompt);
            float[] f = new float[e.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) e.get(i).asDouble();
            }
            return Condition.of(f, prompt);
        }

        @Override
        public Condition condition(float[] embedding, String label) {
            return Condition.of(embedding, label);
        }

        @Override
        public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
            predictCalls++;
            int d = 6;
            for (int b = 0; b < xt.batch(); b++) {
                for (int i = 0; i < d; i++) {
                    double x = xt.data()[b * d + i];
                    double v = 0.5 * x;
                    if (!conditions[b].isNull()) {
                        float[] e = conditions[b].embedding();
                        double me = 0;
                        double ne = 0;
                        for (int j = 0; j < e.length; j++) {
                            me += m[i][j] * e[j];
                            ne += n[i][j] * e[j];
                        }
                        v += me + x * ne;
                    }
                    out.data()[b * d + i] = (float) v;
                }
            }
        }

        @Override
        public void embeddingVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, float[] out) {
            int d = 6;
            int e = 4;
            for (int b = 0; b < xt.batch(); b++) {
                for (int j = 0; j < e; j++) {
                    double s = 0;
                    for (int i = 0; i < d; i++) {
                        double vi = v.data()[b * d + i];
                        s += m[i][j] * vi + n[i][j] * xt.data()[b * d + i] * vi;
                    }
                    out[b * e + j] = (float) s;
                }
            }
        }
    }

    @Test
    void matchesTheFloat64ReferenceOfTheJointOptimization() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(Path.of("src", "test", "resources", "mitigate",
                "wen_joint.json").toFile());
        JsonNode promptsNode = ref.get("prompts");
        String[] prompts = new String[promptsNode.size()];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = promptsNode.get(i).asText();
        }
        float[] x = new float[prompts.length * 6];
        for (int b = 0; b < prompts.length; b++) {
            for (int i = 0; i < 6; i++) {
                x[b * 6 + i] = (float) ref.get("x").get(b).get(i).asDouble();
            }
        }
        TensorF32 xT = new TensorF32(new Shape(prompts.length, 1, 2, 3), x);
        for (JsonNode c : ref.get("cases")) {
            Linear model = new Linear(ref);
            MitigationContext ctx = new MitigationContext(model, null, null, List.of("a"), 7.5, 50);
            WenEmbeddingOptimization wen = new WenEmbeddingOptimization(ctx, c.get("target").asDouble(),
                    WenEmbeddingOptimization.DEFAULT_MAX_STEPS);
            Mitigation.Plan plan = wen.plan(prompts, new long[prompts.length], xT);
            String what = "target " + c.get("target").asDouble();
            for (int b = 0; b < prompts.length; b++) {
                if (prompts[b].isEmpty()) {
                    assertThat(plan.conditions()[b].isNull()).as(what + ": the empty prompt stays null").isTrue();
                    continue;
                }
                JsonNode want = c.get("result").get(prompts[b]).get("embedding");
                float[] got = plan.conditions()[b].embedding();
                for (int j = 0; j < got.length; j++) {
                    assertThat((double) got[j]).as(what + ", sample " + b + " (" + prompts[b] + "), component " + j)
                            .isCloseTo(want.get(j).asDouble(), within(1e-4));
                }
            }
            // one embedding per prompt: all of p's samples carry the same optimized condition
            assertThat(plan.conditions()[2]).isSameAs(plan.conditions()[0]);
            assertThat(plan.conditions()[5]).isSameAs(plan.conditions()[0]);
            assertThat(plan.conditions()[4]).isSameAs(plan.conditions()[1]);
            // statistics: steps and norms per sample, from the reference's per-prompt runs
            JsonNode p = c.get("result").get("p");
            JsonNode q = c.get("result").get("q");
            double meanSteps = (3 * p.get("steps").asDouble() + 2 * q.get("steps").asDouble()) / 5;
            assertThat(wen.statistics().get("mean_optimization_steps")).as(what).isCloseTo(meanSteps, within(1e-12));
            double pFinal = p.get("losses").get(p.get("losses").size() - 1).asDouble() / Math.sqrt(3);
            double qFinal = q.get("losses").get(q.get("losses").size() - 1).asDouble() / Math.sqrt(2);
            assertThat(wen.statistics().get("mean_final_norm")).as(what)
                    .isCloseTo((3 * pFinal + 2 * qFinal) / 5, within(1e-5 * (pFinal + qFinal)));
            double pInit = p.get("losses").get(0).asDouble() / Math.sqrt(3);
            double qInit = q.get("losses").get(0).asDouble() / Math.sqrt(2);
            assertThat(wen.statistics().get("mean_initial_norm")).as(what)
                    .isCloseTo((3 * pInit + 2 * qInit) / 5, within(1e-5 * (pInit + qInit)));
            // jointly: one eps_c evaluation per remaining sample per iteration, never per-sample loops
            int maxSteps = Math.max(p.get("steps").asInt(), q.get("steps").asInt());
            assertThat(model.predictCalls).as(what + ": eps_u once, then one batched eps_c call per iteration")
                    .isEqualTo(1 + maxSteps + 1);
        }
    }
}
