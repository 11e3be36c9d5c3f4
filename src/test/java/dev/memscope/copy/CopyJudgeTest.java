package dev.memscope.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.TensorF32;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copy judgement against scripts/testbed/copy_reference.py, which computes it with labels.py's own NumPy
 * functions (float64) on the same training images: nearest image exactly, distance to rtol 1e-9 (both float64;
 * only summation order differs), copy verdict exactly.
 */
class CopyJudgeTest {
    private static final Path DIR = Path.of("models/testbed/copy");

    @TempDir
    Path tmp;

    @Test
    void matchesNumPyOnTheReferenceCases() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(DIR.resolve("copy.json").toFile());
        CopyJudge judge = CopyJudge.open(DIR, ref.get("tau").asDouble());
        assertThat(judge.trainingImages()).isEqualTo(ref.get("images").asInt()).isEqualTo(7600);
        assertThat(judge.tau()).isCloseTo(0.3545, within(1e-4));
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
    void aColourChangeLeavesTheDistanceUnchangedAndNaNIsRefused() {
        NormalisedRmsDistance m = new NormalisedRmsDistance(3);
        float[] a = new float[48];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i * 0.7) * 0.5f;
        }
        float[] b = a.clone();
        for (int i = 16; i < 32; i++) {
            b[i] = 0.5f * a[i] + 0.2f;   // one channel scaled and shifted
        }
        // the std floor 0.05 makes the measure only nearly invariant to a contrast change
        assertThat(m.between(a, b)).isLessThan(0.1);
        a[5] = Float.NaN;
        assertThatThrownBy(() -> m.between(a, b)).hasMessageContaining("NaN at element 5");
    }

    @Test
    void missingReferenceFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> CopyJudge.open(tmp, 0.3)).hasMessageContaining("train_images.npy: missing");
        Files.copy(DIR.resolve("train_items.npy"), tmp.resolve("train_images.npy"));
        Files.copy(DIR.resolve("train_items.npy"), tmp.resolve("train_items.npy"));
        assertThatThrownBy(() -> CopyJudge.open(tmp, 0.3)).hasMessageContaining("expected [N, C, H, W]");
    }
}
