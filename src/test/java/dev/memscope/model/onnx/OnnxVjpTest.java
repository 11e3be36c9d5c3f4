package dev.memscope.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.detect.CountingVjpDenoiser;
import dev.memscope.model.Condition;
import dev.memscope.model.Denoiser;
import dev.memscope.model.EmbeddingGradientDenoiser;
import dev.memscope.model.LatentVjpDenoiser;
import dev.memscope.tensor.Shape;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The testbed's reverse-mode graph (onnx/unet_vjp.onnx, scripts/testbed/vjp.py) through ONNX Runtime, float32,
 * against float64 torch.autograd (scripts/testbed/vjp_reference.py, models/testbed/reference/vjp_reference.json;
 * not the hand-written reverse pass): out_sample, J_x^T v and J_c^T v (first stored tokens) at t = 981, 500, 41
 * for a memorized caption's states and the empty caption's. Per element
 * {@code |got - ref| <= RTOL |ref| + ATOL max|ref|} (ATOL relative to the array's largest entry, since the states'
 * gradient entries are ~100x smaller than the latent's).
 */
class OnnxVjpTest {
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-4;
    static final Path MODELS = Path.of("models", "testbed");

    private static OnnxDenoiser model;
    private static JsonNode ref;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws Exception {
        model = OnnxModels.open(MODELS.resolve("onnx"), "cpu");
        ref = new ObjectMapper().readTree(MODELS.resolve("reference/vjp_reference.json").toFile());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static TensorF32 gaussian(long seed) {
        Random r = new Random(seed);
        float[] v = new float[3 * 16 * 16];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return new TensorF32(new Shape(1, 3, 16, 16), v);
    }

    static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) a.get(i).asDouble();
        }
        return v;
    }

    /** Worst {@code |got - want| / (RTOL |want| + ATOL max|want|)}: at most 1 passes. */
    static double worst(float[] got, float[] want) {
        double max = 0;
        for (float w : want) {
            max = Math.max(max, Math.abs(w));
        }
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want[i]) / (RTOL * Math.abs(want[i]) + ATOL * max));
        }
        return worst;
    }

    private Condition states(String name) {
        return Condition.of(floats(ref.get("states").get(name)), name);
    }

    @Test
    void theTestbedFolderOpensWithBothVjps() {
        assertThat(model).isInstanceOf(OnnxVjpDenoiser.class).isInstanceOf(EmbeddingGradientDenoiser.class)
                .isInstanceOf(LatentVjpDenoiser.class);
        assertThat(((OnnxVjpDenoiser) model).vjpFile().getFileName()).hasToString("unet_vjp.onnx");
    }

    @Test
    void vjpsMatchTheFloat64AutogradReference() {
        OnnxVjpDenoiser m = (OnnxVjpDenoiser) model;
        int tokens = ref.get("stored_tokens").asInt();
        int e = 32 * 128;
        assertThat(ref.get("cases")).hasSize(6);
        StringBuilder log = new StringBuilder();
        double worstAll = 0;
        for (JsonNode c : ref.get("cases")) {
            int t = c.get("timestep").asInt();
            TensorF32 x = gaussian(c.get("x_seed").asLong());
            TensorF32 v = gaussian(c.get("v_seed").asLong());
            Condition[] cond = {states(c.get("states").asText())};
            TensorF32 eps = TensorF32.zeros(x.shape());
            m.predict(x, t, cond, eps);
            TensorF32 gx = TensorF32.zeros(x.shape());
            m.latentVjp(x, t, cond, v, gx);
            float[] gc = new float[e];
            m.embeddingVjp(x, t, cond, v, gc);
            float[] gcHead = java.util.Arrays.copyOf(gc, tokens * 128);
            double wOut = worst(eps.data(), floats(c.get("out_sample")));
            double wX = worst(gx.data(), floats(c.get("grad_sample")));
            double wC = worst(gcHead, floats(c.get("grad_states_first_tokens")));
            log.append(String.format(Locale.ROOT, "t=%d %s: out %.3f, J_x^T v %.3f, J_c^T v %.3f%n", t,
                    c.get("states").asText(), wOut, wX, wC));
            worstAll = Math.max(worstAll, Math.max(wOut, Math.max(wX, wC)));
            assertThat(wOut).as("out_sample at t=%d %s", t, c.get("states").asText()).isLessThanOrEqualTo(1);
            assertThat(wX).as("J_x^T v at t=%d %s", t, c.get("states").asText()).isLessThanOrEqualTo(1);
            assertThat(wC).as("J_c^T v at t=%d %s", t, c.get("states").asText()).isLessThanOrEqualTo(1);
        }
        System.out.print("worst error / tolerance per case:\n" + log);
        assertThat(worstAll).isLessThanOrEqualTo(1);
    }

    @Test
    void theReferenceTellsCotangentsApart() {
        // the match above is not vacuous: another cotangent's products miss the reference by far more than the
        // tolerance, and the products are linear in the cotangent
        OnnxVjpDenoiser m = (OnnxVjpDenoiser) model;
        JsonNode c = ref.get("cases").get(4);   // t = 41, cond: the Jacobian furthest from the identity
        TensorF32 x = gaussian(c.get("x_seed").asLong());
        Condition[] cond = {states(c.get("states").asText())};
        TensorF32 other = gaussian(c.get("v_seed").asLong() + 1);
        TensorF32 gx = TensorF32.zeros(x.shape());
        m.latentVjp(x, 41, cond, other, gx);
        float[] gc = new float[32 * 128];
        m.embeddingVjp(x, 41, cond, other, gc);
        int head = ref.get("stored_tokens").asInt() * 128;
        assertThat(worst(gx.data(), floats(c.get("grad_sample")))).isGreaterThan(100);
        assertThat(worst(java.util.Arrays.copyOf(gc, head), floats(c.get("grad_states_first_tokens"))))
                .isGreaterThan(100);
        TensorF32 v = gaussian(c.get("v_seed").asLong());
        TensorF32 twice = new TensorF32(v.shape(), v.data().clone());
        for (int i = 0; i < twice.data().length; i++) {
            twice.data()[i] *= 2;
        }
        TensorF32 g1 = TensorF32.zeros(x.shape());
        TensorF32 g2 = TensorF32.zeros(x.shape());
        m.latentVjp(x, 41, cond, v, g1);
        m.latentVjp(x, 41, cond, twice, g2);
        for (int i = 0; i < g1.data().length; i++) {
            assertThat((double) g2.data()[i]).isCloseTo(2.0 * g1.data()[i],
                    org.assertj.core.api.Assertions.within(1e-5 + 1e-5 * Math.abs(g1.data()[i])));
        }
    }

    @Test
    void batchesAreChunkedPerSampleAndCountedThroughTheCounter() {
        // a batch of 3 mixing conditions gives each sample's own product (no cross-talk between rows), and the
        // pass counter keeps both capabilities visible and counts one pass per latent per VJP
        JsonNode c0 = ref.get("cases").get(0);
        JsonNode c5 = ref.get("cases").get(5);
        float[] x = new float[3 * 768];
        float[] v = new float[3 * 768];
        System.arraycopy(gaussian(c0.get("x_seed").asLong()).data(), 0, x, 0, 768);
        System.arraycopy(gaussian(c5.get("x_seed").asLong()).data(), 0, x, 768, 768);
        System.arraycopy(gaussian(7).data(), 0, x, 1536, 768);
        System.arraycopy(gaussian(c0.get("v_seed").asLong()).data(), 0, v, 0, 768);
        System.arraycopy(gaussian(c5.get("v_seed").asLong()).data(), 0, v, 768, 768);
        System.arraycopy(gaussian(8).data(), 0, v, 1536, 768);
        Shape s = new Shape(3, 3, 16, 16);
        Condition[] conds = {states("cond"), Condition.NULL, states("cond")};
        // timestep is per call: rows 0 and 1 at different t are compared in separate calls below
        Denoiser counted = CountingVjpDenoiser.counting(model);
        assertThat(counted).isInstanceOf(EmbeddingGradientDenoiser.class).isInstanceOf(LatentVjpDenoiser.class);
        TensorF32 g = TensorF32.zeros(s);
        ((LatentVjpDenoiser) counted).latentVjp(new TensorF32(s, x), 981, conds, new TensorF32(s, v), g);
        float[] e = new float[3 * 4096];
        ((EmbeddingGradientDenoiser) counted).embeddingVjp(new TensorF32(s, x), 981, conds, new TensorF32(s, v), e);
        assertThat(CountingVjpDenoiser.passes(counted)).isEqualTo(6);
        assertThat(worst(java.util.Arrays.copyOf(g.data(), 768), floats(c0.get("grad_sample")))).isLessThanOrEqualTo(1);
        assertThat(worst(java.util.Arrays.copyOf(e, 1024), floats(c0.get("grad_states_first_tokens"))))
                .isLessThanOrEqualTo(1);
    }

    @Test
    void wenOnTheTestbedLowersTheJointNormWithRealGradients() {
        // Wen's authors' form on a memorized caption, 2 images, target 0 so that all 3 updates run: the joint norm
        // at t = 981 falls, the reported initial norm is ||eps_c - eps_u|| recomputed here, and the counter sees
        // eps_u once, eps_c at each of the 4 evaluations and 3 embedding VJPs per image
        Denoiser counted = CountingVjpDenoiser.counting(model);
        var ctx = new dev.memscope.mitigate.MitigationContext(counted, null, null, java.util.List.of("a"), 7.5, 50);
        var wen = new dev.memscope.mitigate.WenEmbeddingOptimization(ctx, 0, 3);
        String caption = "vintage crossed swords magnet";
        TensorF32 xT = dev.memscope.diffusion.DdimSampler.initialNoise(3, 16, 16, new long[] {11, 12});
        var plan = wen.plan(new String[] {caption, caption}, new long[] {11, 12}, xT);
        assertThat(plan.conditions()[1]).isSameAs(plan.conditions()[0]);
        TensorF32 eu = TensorF32.zeros(xT.shape());
        TensorF32 ec = TensorF32.zeros(xT.shape());
        model.predict(xT, 981, new Condition[] {Condition.NULL, Condition.NULL}, eu);
        Condition c = model.condition(caption);
        model.predict(xT, 981, new Condition[] {c, c}, ec);
        double norm2 = 0;
        for (int i = 0; i < eu.data().length; i++) {
            double d = (double) ec.data()[i] - eu.data()[i];
            norm2 += d * d;
        }
        var st = wen.statistics();
        assertThat(st.get("mean_initial_norm")).isCloseTo(Math.sqrt(norm2 / 2), org.assertj.core.api.Assertions
                .within(1e-4 * Math.sqrt(norm2)));
        assertThat(st.get("mean_final_norm")).isLessThan(0.9 * st.get("mean_initial_norm"));
        assertThat(st.get("embedding_vjps_per_sample")).isEqualTo(3.0);
        assertThat(CountingVjpDenoiser.passes(counted)).isEqualTo(2 + 2 * 4 + 2 * 3);
        System.out.printf(Locale.ROOT, "wen on the testbed, 3 updates: joint norm per image %.4f -> %.4f%n",
                st.get("mean_initial_norm"), st.get("mean_final_norm"));
    }

    @Test
    void wrongShapesAreRefusedWithTheirSizes() {
        OnnxVjpDenoiser m = (OnnxVjpDenoiser) model;
        TensorF32 x = gaussian(1);
        Condition[] c = {Condition.NULL};
        assertThatThrownBy(() -> m.embeddingVjp(x, 981, c, x, new float[10]))
                .hasMessageContaining("out has 10 floats, expected B x E = 1 x 4096");
        assertThatThrownBy(() -> m.latentVjp(x, 981, c, TensorF32.zeros(new Shape(2, 3, 16, 16)),
                TensorF32.zeros(x.shape()))).hasMessageContaining("cotangent has shape");
        assertThatThrownBy(() -> m.condition(new float[5], "short")).hasMessageContaining("embedding has 5 values");
    }

    @Test
    void aFolderWithoutTheVjpGraphIsForwardOnly() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("onnx"));
        try (var files = Files.list(MODELS.resolve("onnx"))) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("unet_vjp.onnx")) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        try (OnnxDenoiser plain = OnnxModels.open(dir, "cpu")) {
            assertThat(plain).isNotInstanceOf(EmbeddingGradientDenoiser.class)
                    .isNotInstanceOf(LatentVjpDenoiser.class);
        }
    }

    @Test
    void aMissingWeightsFileIsOneLineNamingIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("onnx"));
        try (var files = Files.list(MODELS.resolve("onnx"))) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("unet.weights")) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
        assertThatThrownBy(() -> OnnxModels.open(dir, "cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unet.weights")
                .satisfies(ex -> assertThat(ex.getMessage()).doesNotContain("\n"));
    }
}
