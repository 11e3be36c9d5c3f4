package dev.memscope.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.lab.LabDenoiser;
import dev.memscope.progress.Progress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * v-prediction handling, oracle: the same lab model seen through {@link VPredictionDenoiser}. Anisotropy: the paper's
 * {@code sqrt(abar)/(1 - abar) ||v_c - v_u||} equals {@code ||eps_c - eps_u|| / (1 - abar)} at a common x_t, with
 * weights (1, 0.1); so the v score must equal the eps path run with weights {@code (1/(1 - abar_981), 0.1)}.
 * Tolerance: float32 eps -> v -> eps round trip at abar = 0.0058 (factor 1/sqrt(abar) ~ 13) ~1e-6 relative.
 */
class VPredictionTest {
    private static final double RTOL = 1e-4;

    @Test
    void anisotropyScalesTheMagnitudeAndSwitchesWeights() {
        List<String> prompts = TestWorlds.all().subList(10, 22);
        double abar = NoiseSchedule.stableDiffusion().alphabar(AnisotropyDetector.T_MAGNITUDE);
        try (LabDenoiser lab = TestWorlds.model(); ScoreKernels k = Backends.create("cpu")) {
            // A on eps (--alignment-space eps): the v view must then reproduce the eps path exactly
            double[] v = new AnisotropyDetector(new AnisotropySettings(1, AnisotropyDetector.DEFAULT_SEED, null, null,
                    AnisotropyPreset.Space.EPS, null)).score(prompts,
                    new DetectionContext(new VPredictionDenoiser(lab, k, true), k, 8, Progress.NONE)).values();
            double[] eps = new AnisotropyDetector(1, AnisotropyDetector.DEFAULT_SEED, new double[] {1 / (1 - abar), 0.1})
                    .score(prompts, new DetectionContext(lab, k, 8, Progress.NONE)).values();
            double[] epsDefault = new AnisotropyDetector().score(prompts,
                    new DetectionContext(lab, k, 8, Progress.NONE)).values();
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(v[i]).as("prompt %d", i).isCloseTo(eps[i], within(RTOL * Math.abs(eps[i])));
                assertThat(v[i]).isNotCloseTo(epsDefault[i], within(1e-3));
            }
        }
    }

    @Test
    void sharpnessAndWenSeeEpsWhateverTheParameterization() {
        List<String> prompts = TestWorlds.all().subList(12, 20);
        try (LabDenoiser lab = TestWorlds.model(); ScoreKernels k = Backends.create("cpu")) {
            for (String name : List.of("sharpness-fd", "wen-first")) {
                Detector d = Detectors.create(name, 1);
                double[] v = d.score(prompts, new DetectionContext(new VPredictionDenoiser(lab, k, true), k, 8,
                        Progress.NONE)).values();
                double[] eps = d.score(prompts, new DetectionContext(new VPredictionDenoiser(lab, k, false), k, 8,
                        Progress.NONE)).values();
                for (int i = 0; i < prompts.size(); i++) {
                    assertThat(v[i]).as("%s prompt %d", name, i).isCloseTo(eps[i], within(1e-3 * Math.abs(eps[i])));
                }
            }
        }
    }
}
