package dev.memscope.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.CrossAttention.AttentionMaps;
import dev.memscope.model.Denoiser;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.progress.Progress;
import dev.memscope.source.Capabilities;
import dev.memscope.source.DetectorChoice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Ren et al.'s attention statistics: the pixel/layer averaging and entropy on hand-built maps, and the detector on
 * the committed testbed through ONNX Runtime (float32) against the independent float64 PyTorch/NumPy reference of
 * scripts/ren/ren_reference.py (models/testbed/reference/ren_reference.json). Tolerance as the other testbed
 * references: rtol 1e-3, atol 1e-4.
 */
class RenAttentionTest {
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-4;
    static final Path MODELS = Path.of("models", "testbed");

    @Test
    void uniformAttentionHasEntropyLogTAndOneHotHasZero() {
        int t = 32;
        float[] uniform = new float[2 * 4 * t];
        java.util.Arrays.fill(uniform, 1f / t);
        float[] bos = new float[2 * 4 * t];
        for (int r = 0; r < 8; r++) {
            bos[r * t] = 1f;
        }
        AttentionMaps m = new AttentionMaps(List.of("u", "b"), List.of(uniform, bos), new int[] {4, 4}, 2, t);
        double[][] a = AttentionEntropy.tokenDistribution(m);
        // layers weigh equally: half uniform, half on BOS
        assertThat(a[0][0]).isCloseTo(0.5 + 0.5 / t, within(1e-9));
        assertThat(a[1][5]).isCloseTo(0.5 / t, within(1e-9));
        double expected = -(0.5 + 0.5 / t) * Math.log(0.5 + 0.5 / t) - (t - 1) * (0.5 / t) * Math.log(0.5 / t);
        assertThat(AttentionEntropy.entropies(m)).containsExactly(new double[] {expected, expected}, within(1e-9));
        AttentionMaps onlyUniform = new AttentionMaps(List.of("u"), List.of(uniform), new int[] {4}, 2, t);
        assertThat(AttentionEntropy.entropies(onlyUniform)[1]).isCloseTo(Math.log(t), within(1e-6));
        AttentionMaps onlyBos = new AttentionMaps(List.of("b"), List.of(bos), new int[] {4}, 2, t);
        assertThat(AttentionEntropy.entropies(onlyBos)[0]).isEqualTo(0.0);
    }

    @Test
    void layersWithDifferentPixelCountsWeighEqually() {
        // layer 1: 1 pixel all on token 1; layer 2: 3 pixels all on token 0 -> a = (0.5, 0.5), not (0.75, 0.25)
        AttentionMaps m = new AttentionMaps(List.of("a", "b"),
                List.of(new float[] {0, 1}, new float[] {1, 0, 1, 0, 1, 0}), new int[] {1, 3}, 1, 2);
        assertThat(AttentionEntropy.tokenDistribution(m)[0]).containsExactly(new double[] {0.5, 0.5}, within(1e-12));
        assertThat(AttentionEntropy.entropies(m)[0]).isCloseTo(Math.log(2), within(1e-12));
    }

    @Test
    void mapsOfTheWrongSizeAndNegativeProbabilitiesAreRefused() {
        assertThatThrownBy(() -> new AttentionMaps(List.of("a"), List.of(new float[5]), new int[] {1}, 1, 2))
                .hasMessageContaining("attention layer a has 5 values");
        assertThatThrownBy(() -> AttentionEntropy.entropy(new double[] {-0.1, 1.1}))
                .hasMessageContaining("not in [0, 1]");
    }

    @Test
    void modelsWithoutAttentionRefuseRenWithAReason() {
        Capabilities lab = new Capabilities(true, Optional.empty(), false);
        DetectorChoice.Choice c = DetectorChoice.choose("ren-entropy", false, lab);
        assertThat(c.runs()).isFalse();
        assertThat(c.skipped()).contains("needs cross-attention maps");
        Capabilities replay = new Capabilities(false, Optional.of(new dev.memscope.model.RecordedNoise.Recorded(
                java.util.Set.of(981), 0, Double.NaN, 1)), false);
        assertThat(DetectorChoice.choose("ren-bos", true, replay).skipped()).contains("a replay records no attention");
        Capabilities testbed = new Capabilities(false, Optional.empty(), true);
        assertThat(DetectorChoice.choose("ren-entropy", false, testbed).detector().cost().forwardPassesPerPrompt())
                .isEqualTo(1);
        assertThat(DetectorChoice.choose("ren-bos", true, testbed).runs()).isTrue();
    }

    @Test
    void testbedEntropyAndBosShareMatchTheFloat64Reference() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(MODELS.resolve("reference/ren_reference.json").toFile());
        assertThat(ref.get("timestep").asInt()).isEqualTo(RenAttentionDetector.firstTimestep());
        List<String> prompts = new ArrayList<>();
        ref.get("prompts").forEach(p -> prompts.add(p.asText()));
        assertThat(prompts).hasSizeGreaterThanOrEqualTo(40);
        try (Denoiser model = OnnxModels.open(MODELS.resolve("onnx"), "cpu");
                ScoreKernels kernels = Backends.create("cpu")) {
            assertThat(model.crossAttention()).isPresent();
            DetectionContext ctx = new DetectionContext(model, kernels, 16, Progress.NONE);
            Scores e = Detectors.create("ren-entropy").score(prompts, ctx);
            Scores b = Detectors.create("ren-bos").score(prompts, ctx);
            assertThat(e.forwardPasses()).isEqualTo(prompts.size());
            double[] wantE = values(ref.get("ren_entropy"));
            double[] wantBos = values(ref.get("bos_share"));
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(e.values()[i]).as("entropy of %s", prompts.get(i))
                        .isCloseTo(wantE[i], within(ATOL + RTOL * Math.abs(wantE[i])));
                assertThat(b.values()[i]).as("1 - a_BOS of %s", prompts.get(i))
                        .isCloseTo(1 - wantBos[i], within(ATOL + RTOL * Math.abs(1 - wantBos[i])));
            }
            // the entropies differ between prompts by far more than the tolerance, so the match is not vacuous
            assertThat(java.util.Arrays.stream(wantE).max().getAsDouble()
                    - java.util.Arrays.stream(wantE).min().getAsDouble()).isGreaterThan(0.1);
        }
    }

    private static double[] values(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }
}
