package dev.memscope.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.source.TestbedImages;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The copy judgement against scripts/testbed/copy_reference.py, which computes it with labels.py's own NumPy
 * functions (float64) on the training images it checks the image sheets against: nearest image exactly, distance to rtol 1e-9 (both float64;
 * only summation order differs), copy verdict exactly.
 */
class CopyJudgeTest {
    private static final Path DIR = Path.of("models/testbed/copy");
    private static final Path IMAGES = Path.of("models/testbed/images");

    @Test
    void matchesNumPyOnTheReferenceCases() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(DIR.resolve("copy.json").toFile());
        CopyJudge judge = CopyJudge.of(TestbedImages.read(IMAGES, 16), ref.get("tau").asDouble());
        assertThat(judge.trainingImages()).isEqualTo(ref.get("images").asInt()).isEqualTo(17350);
        // the TAU labels.py fixed from the training images (ground_truth.json), which copy_reference.py recomputes
        double labelsTau = new ObjectMapper().readTree(Path.of("models/testbed/ground_truth.json").toFile()).get("tau")
                .asDouble();
        assertThat(judge.tau()).isCloseTo(labelsTau, within(1e-12)).isBetween(0.1, 0.5);
        TensorF32 cases = Npy.readTensor(DIR.resolve("cases.npy"));
        int per = cases.shape().sampleSize();
        JsonNode exp = ref.get("cases");
        assertThat(exp.size()).isEqualTo(cases.batch());
        int copies = 0;
        for (int i = 0; i < cases.batch(); i++) {
            CopyVerdict v = judge.judge(Arrays.copyOfRange(cases.data(), i * per, (i + 1) * per));
            JsonNode e = exp.get(i);
            assertThat(v.nearest()).as("case %d nearest", i).isEqualTo(e.get("nearest").asInt());
            assertThat(v.item()).as("case %d item", i).isEqualTo(e.get("item").asInt());
            assertThat(v.distance()).as("case %d distance", i)
                    .isCloseTo(e.get("distance").asDouble(), within(1e-9 * e.get("distance").asDouble()));
            assertThat(v.copies()).as("case %d copies", i).isEqualTo(e.get("copies").asBoolean());
            copies += v.copies() ? 1 : 0;
        }
        assertThat(copies).as("the reference holds copies and non-copies").isBetween(1, cases.batch() - 1);
    }

    @Test
    void aNonPositiveTauIsRefused() throws Exception {
        TestbedImages images = TestbedImages.read(IMAGES, 16);
        assertThatThrownBy(() -> CopyJudge.of(images, 0)).hasMessageContaining("TAU must be a positive number");
        assertThatThrownBy(() -> CopyJudge.of(images, Double.NaN)).hasMessageContaining("TAU");
    }
}
