package dev.memscope.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.LatentVjpDenoiser;
import dev.memscope.model.PredictionType;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SAIL against scripts/mitigate/sail_expected.py: torch float64 autograd and torch's own Adam replaying the authors'
 * loop on {@code eps = tanh(W x + M e) + 0.5 x} (D = 6, E = 4). The Java model computes in float64 and returns float32
 * eps, so losses agree to 1e-5 relative and the final latents (after up to 9 Adam updates of size ~0.05) to 1e-4.
 * Budget 1 keeps the candidates to the runner's own x_T, which the reference can see.
 */
class SailReferenceTest {
    private static final int D = 6;

    /** The reference's denoiser with its exact latent VJP {@code J^T v = W^T ((1 - tanh^2) v) + 0.5 v}. */
    static final class Tanh implements LatentVjpDenoiser {
        final double[][] w;
        final double[][] m;
        final JsonNode emb;
        int vjpCalls;

        Tanh(JsonNode ref) {
            w = WenJointTest.Linear.matrix(ref.get("W"));
            m = WenJointTest.Linear.matrix(ref.get("M"));
            emb = ref.get("embeddings");
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

        private double[] pre(TensorF32 xt, int b, Condition c) {
            double[] z = new double[D];
            for (int i = 0; i < D; i++) {
                for (int j = 0; j < D; j++) {
                    z[i] += w[i][j] * xt.data()[b * D + j];
                }
                if (!c.isNull()) {
                    for (int j = 0; j < c.embedding().length; j++) {
                        z[i] += m[i][j] * c.embedding()[j];
                    }
                }
            }
            return z;
        }

        @Override
        public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
            for (int b = 0; b < xt.batch(); b++) {
                double[] z = pre(xt, b, conditions[b]);
                for (int i = 0; i < D; i++) {
                    out.data()[b * D + i] = (float) (Math.tanh(z[i]) + 0.5 * xt.data()[b * D + i]);
                }
            }
        }

        @Override
        public void latentVjp(TensorF32 xt, int t, Condition[] conditions, TensorF32 v, TensorF32 out) {
            vjpCalls++;
            for (int b = 0; b < xt.batch(); b++) {
                double[] z = pre(xt, b, conditions[b]);
                for (int j = 0; j < D; j++) {
                    double s = 0.5 * v.data()[b * D + j];
                    for (int i = 0; i < D; i++) {
                        double th = Math.tanh(z[i]);
                        s += w[i][j] * (1 - th * th) * v.data()[b * D + i];
                    }
                    out.data()[b * D + j] = (float) s;
                }
            }
        }
    }

    static JsonNode reference() throws Exception {
        return new ObjectMapper().readTree(Path.of("src", "test", "resources", "mitigate", "sail.json").toFile());
    }

    static TensorF32 noise(JsonNode ref) {
        int b = ref.get("prompts").size();
        float[] x = new float[b * D];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < D; i++) {
                x[r * D + i] = (float) ref.get("x").get(r).get(i).asDouble();
            }
        }
        return new TensorF32(new Shape(b, 1, 2, 3), x);
    }

    static String[] prompts(JsonNode ref) {
        String[] p = new String[ref.get("prompts").size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = ref.get("prompts").get(i).asText();
        }
        return p;
    }

    private static SailInitialNoiseOptimization sail(Denoiser model, double threshold, boolean stale, int rounds) {
        MitigationContext ctx = new MitigationContext(model, null, null, List.of("a"), 7.5, 50);
        return new SailInitialNoiseOptimization(ctx, new SailInitialNoiseOptimization.Config(threshold,
                SailInitialNoiseOptimization.REG_WEIGHT, SailInitialNoiseOptimization.LR,
                SailInitialNoiseOptimization.MAX_STEPS, 1, rounds, stale));
    }

    @Test
    void lossOfOneLatentMatchesTheReference() throws Exception {
        JsonNode ref = reference();
        TensorF32 x = noise(ref);
        TensorF32 first = new TensorF32(new Shape(1, 1, 2, 3), java.util.Arrays.copyOf(x.data(), D));
        double got = sail(new Tanh(ref), 1, true, 1).loss("p", first)[0];
        double want = ref.get("loss_p_at_x0").asDouble();
        assertThat(got).isCloseTo(want, within(1e-5 * want));
    }

    @Test
    void optimizedNoiseMatchesTheReferenceInBothForms() throws Exception {
        JsonNode ref = reference();
        TensorF32 xT = noise(ref);
        String[] prompts = prompts(ref);
        for (JsonNode c : ref.get("cases")) {
            boolean stale = c.get("form").asText().equals("stale");
            double thr = c.get("threshold").asDouble();
            String what = c.get("form").asText() + " form, threshold " + thr;
            SailInitialNoiseOptimization s = sail(new Tanh(ref), thr, stale, 1);
            Mitigation.Plan plan = s.plan(prompts, new long[prompts.length], xT);
            float[] got = plan.noise(xT).data();
            for (String p : List.of("p", "q")) {
                JsonNode r = c.get("result").get(p);
                for (int k = 0; k < r.get("rows").size(); k++) {
                    int row = r.get("rows").get(k).asInt();
                    for (int i = 0; i < D; i++) {
                        assertThat((double) got[row * D + i]).as(what + ", prompt " + p + ", row " + row + ", element "
                                + i).isCloseTo(r.get("latents").get(k).get(i).asDouble(), within(1e-4));
                    }
                }
            }
            for (int i = 0; i < D; i++) {
                assertThat(got[3 * D + i]).as(what + ": the empty prompt keeps its noise").isEqualTo(xT.data()[3 * D + i]);
            }
            double initial = 0;
            for (String p : List.of("p", "q")) {
                JsonNode losses = c.get("result").get(p).get("losses").get(0);
                for (JsonNode l : losses) {
                    initial += l.asDouble();
                }
            }
            assertThat(s.statistics().get("mean_initial_loss")).as(what).isCloseTo(initial / 3, within(1e-5));
            assertThat(s.statistics().get("share_reaching_threshold")).as(what)
                    .isEqualTo(thr > 0 ? 1.0 : 0.0);
        }
    }

    @Test
    void failedRoundsRaiseTheThresholdEveryThird() throws Exception {
        JsonNode ref = reference();
        SailInitialNoiseOptimization s = sail(new Tanh(ref), -1, true, 7);
        s.plan(new String[]{"q"}, new long[]{5}, new TensorF32(new Shape(1, 1, 2, 3), new float[D]).copy());
        assertThat(s.statistics().get("mean_rounds_per_sample")).isEqualTo(7.0);
        assertThat(s.statistics().get("threshold_raises")).as("failures 3 and 6 of 7").isEqualTo(2.0);
        assertThat(s.statistics().get("share_reaching_threshold")).isZero();
    }

    @Test
    void refusesAModelWithoutTheLatentVjp() throws Exception {
        JsonNode ref = reference();
        Tanh inner = new Tanh(ref);
        Denoiser plain = new dev.memscope.detect.CountingDenoiser(new Denoiser() {
            public PredictionType predictionType() {
                return PredictionType.EPSILON;
            }

            public int channels() {
                return 1;
            }

            public int height() {
                return 2;
            }

            public int width() {
                return 3;
            }

            public Condition condition(String prompt) {
                return inner.condition(prompt);
            }

            public void predict(TensorF32 xt, int t, Condition[] conditions, TensorF32 out) {
                inner.predict(xt, t, conditions, out);
            }
        });
        assertThatThrownBy(() -> sail(plain, 1, true, 1)).hasMessageContaining("vector-Jacobian product");
        // a counting wrapper passes the capability through and counts the VJPs
        dev.memscope.detect.CountingDenoiser counted = new dev.memscope.detect.CountingDenoiser(inner);
        SailInitialNoiseOptimization s = sail(counted, ref.get("cases").get(0).get("threshold").asDouble(), true, 1);
        s.plan(prompts(ref), new long[4], noise(ref));
        assertThat(inner.vjpCalls).isPositive();
        assertThat(counted.passes()).isPositive();
    }
}
