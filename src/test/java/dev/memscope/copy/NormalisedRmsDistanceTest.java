package dev.memscope.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.source.TestbedImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The testbed's copy distance against labels.py's NumPy functions (standardise, distances) in float64, computed by
 * scripts/metrics/reference_embeddings.py on noisy copies of training images (values outside [-1, 1] included, so
 * the clipping is exercised).
 */
class NormalisedRmsDistanceTest {
    private static final NormalisedRmsDistance RMS = new NormalisedRmsDistance(3);


    @Test
    void matchesLabelsPyOnNoisyCopies() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(Path.of("src", "test", "resources", "metrics",
                "reference.json").toFile());
        TestbedImages images = TestbedImages.read(Path.of("models", "testbed", "images"), 16);
        JsonNode idx = ref.get("train_indices");
        for (int i = 0; i < idx.size(); i++) {
            float[] noisy = new float[768];
            for (int j = 0; j < 768; j++) {
                noisy[j] = (float) ref.get("noisy").get(i).get(j).asDouble();
            }
            float[] img = images.image(images.training(), idx.get(i).asInt());
            // float32 inputs vs float64: relative 1e-6 of a distance of order 1
            assertThat(RMS.between(noisy, img)).as("image " + idx.get(i))
                    .isCloseTo(ref.get("rms").get(i).asDouble(), within(1e-5));
        }
    }

    @Test
    void isZeroForAnImageAndInvariantToAPerChannelAffineColourChange() {
        float[] a = new float[3 * 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i * 1.3) * 0.5f;
        }
        float[] b = new float[a.length];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 4; p++) {
                b[c * 4 + p] = 0.1f * c + 0.9f * a[c * 4 + p];   // stays inside [-1, 1]
            }
        }
        assertThat(RMS.between(a, a)).isEqualTo(0.0);
        // the std floor 0.05 makes the invariance approximate for a gain != 1: small, not zero
        assertThat(RMS.between(a, b)).isLessThan(0.02);
    }

    @Test
    void rejectsNaN() {
        float[] a = new float[12];
        float[] b = new float[12];
        b[7] = Float.NaN;
        assertThatThrownBy(() -> RMS.between(a, b)).hasMessageContaining("NaN");
    }
}
