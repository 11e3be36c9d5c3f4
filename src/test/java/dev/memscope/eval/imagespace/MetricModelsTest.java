package dev.memscope.eval.imagespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.source.TestbedImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed metric models (models/testbed/metrics) through ONNX Runtime in float32 against the same networks
 * rebuilt from the ONNX weights in PyTorch float64 (scripts/metrics/reference_embeddings.py, which also re-renders the
 * images with data.render and tokenizes with the Python BPE). Tolerance: 2e-4 absolute per component of a unit
 * vector: float32 convolutions, linear layers and layer norms, each a sum of at most ~1,000 terms of order 1, keep
 * errors near 1e-6; 2e-4 leaves room for ONNX Runtime's fused kernels while still catching a wrong weight, layout
 * or clipping (those move components by 1e-2 or more).
 */
class MetricModelsTest {
    static final Path TESTBED = Path.of("models", "testbed");
    static final double ATOL = 2e-4;
    static MetricModels models;
    static TestbedImages images;
    static JsonNode ref;

    @BeforeAll
    static void open() throws Exception {
        models = MetricModels.open(TESTBED.resolve(MetricModels.DIR), 3, 16);
        images = TestbedImages.read(TESTBED.resolve(TestbedImages.DIR), 16);
        ref = new ObjectMapper().readTree(Path.of("src", "test", "resources", "metrics", "reference.json").toFile());
    }

    @AfterAll
    static void close() {
        models.close();
    }

    private static float[] picked() {
        JsonNode idx = ref.get("train_indices");
        float[] out = new float[idx.size() * images.dim()];
        for (int i = 0; i < idx.size(); i++) {
            System.arraycopy(images.image(images.training(), idx.get(i).asInt()), 0, out, i * images.dim(),
                    images.dim());
        }
        return out;
    }

    private static void assertRows(float[][] got, JsonNode want, String what) {
        assertThat(got).hasNumberOfRows(want.size());
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).as(what + " row " + i).hasSize(want.get(i).size());
            double norm = 0;
            for (int j = 0; j < got[i].length; j++) {
                assertThat((double) got[i][j]).as(what + " row " + i + " component " + j)
                        .isCloseTo(want.get(i).get(j).asDouble(), within(ATOL));
                norm += (double) got[i][j] * got[i][j];
            }
            assertThat(norm).as(what + " row " + i + " squared norm").isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void imagesAreTheRenderedPixels() {
        JsonNode idx = ref.get("train_indices");
        for (int i = 0; i < idx.size(); i++) {
            float[] img = images.image(images.training(), idx.get(i).asInt());
            double sum = 0;
            for (float v : img) {
                sum += v;
            }
            // u/127.5 - 1 in float32 vs float64: 768 terms of rounding error ~6e-8 each
            assertThat(sum).as("pixel sum of training image " + idx.get(i)).isCloseTo(
                    ref.get("pixel_sums").get(i).asDouble(), within(1e-4));
        }
        assertThat(images.trainingCount()).isEqualTo(17350);  // 7,200 concept images + 10,150 trained items (recipe 3)
        assertThat(images.heldoutItem()).hasSize(200);
    }

    @Test
    void copyAndClipImageEmbeddingsMatchFloat64PyTorch() {
        float[] x = picked();
        int n = ref.get("train_indices").size();
        assertRows(models.copyEmbeddings(x, n), ref.get("copy"), "copy");
        assertRows(models.clipImageEmbeddings(x, n), ref.get("clip_image"), "clip image");
    }

    @Test
    void outOfRangeImagesAreClippedAsTheReferenceClipsThem() {
        JsonNode noisy = ref.get("noisy");
        float[] x = new float[noisy.size() * images.dim()];
        for (int i = 0; i < noisy.size(); i++) {
            for (int j = 0; j < images.dim(); j++) {
                x[i * images.dim() + j] = (float) noisy.get(i).get(j).asDouble();
            }
        }
        assertRows(models.copyEmbeddings(x, noisy.size()), ref.get("copy_noisy"), "copy of noisy");
    }

    @Test
    void textEmbeddingsMatchFloat64PyTorch() {
        List<String> captions = new ArrayList<>();
        ref.get("captions").forEach(c -> captions.add(c.asText()));
        assertRows(models.clipTextEmbeddings(captions), ref.get("clip_text"), "clip text");
    }

    @Test
    void thresholdIsTheOneFixedAtTraining() throws Exception {
        JsonNode meta = new ObjectMapper().readTree(TESTBED.resolve("metrics/metrics.json").toFile());
        assertThat(models.copyThreshold()).isEqualTo(meta.path("copy").path("threshold").asDouble());
    }

    @Test
    void nonFiniteImagesAreRejectedNamingTheImage() {
        float[] x = picked();
        x[images.dim() + 5] = Float.NaN;
        assertThatThrownBy(() -> models.copyEmbeddings(x, ref.get("train_indices").size()))
                .hasMessageContaining("image 1").hasMessageContaining("NaN").hasMessageContaining("element 5");
    }
}
