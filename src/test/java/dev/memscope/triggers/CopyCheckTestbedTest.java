package dev.memscope.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.copy.CopyJudge;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.onnx.OnnxDenoiser;
import dev.memscope.model.onnx.OnnxModels;
import dev.memscope.source.TestbedImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The copy check on the testbed: a memorized caption (labels.csv: item 49, copy rate 1.00) copies its own item
 * image, a concept caption does not. TAU is the committed copy.json's (labels.py's, from the training images). 8 generations each (labels.py used 4 seeds, 777000.., the first 4 here).
 */
class CopyCheckTestbedTest {

    @Test
    void aMemorizedCaptionCopiesItsItemAndAHeldOutCaptionDoesNot() throws Exception {
        double tau = dev.memscope.json.JsonDocument.read(Path.of("models/testbed/copy/copy.json")).root().get("tau")
                .number();
        assertThat(tau).isBetween(0.1, 0.5);
        CopyJudge judge = CopyJudge.of(TestbedImages.read(Path.of("models/testbed/images"), 16), tau);
        try (OnnxDenoiser m = OnnxModels.open(Path.of("models/testbed/onnx"), "cpu");
             ScoreKernels k = Backends.create("cpu")) {
            CopyCheck check = new CopyCheck(m, k, judge, judge.distance(), judge.tau(), 8, 16, CopyCheck.DEFAULT_SEED);
            CopyCheck.Result mem = check.check("happy mother christmas icon", p -> { });
            assertThat(mem.copyRate()).isGreaterThanOrEqualTo(0.75);
            assertThat(mem.copiedItems()).containsExactly(49);
            assertThat(mem.copiesTraining()).isTrue();
            assertThat(mem.passes()).isEqualTo(8 * 2 * 50).isEqualTo(check.passesPerPrompt());
            CopyCheck.Result held = check.check("a red apple on a blue background", p -> { });
            assertThat(held.copiesTraining()).isFalse();
            assertThat(held.copiedItems()).isEmpty();
        }
    }
}
