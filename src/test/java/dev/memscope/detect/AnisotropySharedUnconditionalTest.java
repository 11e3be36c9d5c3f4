package dev.memscope.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Denoiser;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.progress.Progress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Anisotropy evaluates the unconditional outputs once per image when every prompt meets the same x_T. Oracle: the
 * same detector evaluating [u; c] for every prompt (the layout before the sharing), on the lab model and on its
 * v-prediction view, with 1 and 3 images; the terms agree to float32 rounding and the counted passes drop from
 * 4k per prompt to 2k per prompt plus 2k per call.
 */
class AnisotropySharedUnconditionalTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    @ParameterizedTest
    @CsvSource({"1, false", "3, false", "1, true", "3, true"})
    void sharedUnconditionalPassesGiveTheSameTermsForFewerPasses(int images, boolean vPrediction) {
        List<String> prompts = TestWorlds.all();
        try (LabDenoiser lab = TestWorlds.model(); ScoreKernels kernels = Backends.create("cpu")) {
            Denoiser model = vPrediction ? new VPredictionDenoiser(lab, kernels, true) : lab;
            AnisotropyDetector d = new AnisotropyDetector(images, AnisotropyDetector.DEFAULT_SEED, null);
            CountingDenoiser shared = new CountingDenoiser(model);
            double[][] s = d.terms(prompts, new DetectionContext(shared, kernels, 16, Progress.NONE), true);
            CountingDenoiser each = new CountingDenoiser(model);
            double[][] e = d.terms(prompts, new DetectionContext(each, kernels, 16, Progress.NONE), false);
            for (int term = 0; term < 2; term++) {
                for (int i = 0; i < e[term].length; i++) {
                    assertThat(Math.abs(s[term][i] - e[term][i]))
                            .as("term %d item %d", term, i).isLessThanOrEqualTo(ATOL + RTOL * Math.abs(e[term][i]));
                }
            }
            long p = prompts.size();
            assertThat(shared.passes()).isEqualTo(2L * images * p + 2L * images)
                    .isEqualTo(d.cost(model).forwardPasses(prompts.size()));
            assertThat(each.passes()).isEqualTo(4L * images * p).isEqualTo(d.cost().forwardPasses(prompts.size()));
        }
    }
}
