package dev.memscope.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.model.RecordedNoise;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each detector declares it needs, judged against recordings with and without a trajectory. */
class DetectorNeedsTest {
    private static final RecordedNoise.Recorded PURE = new RecordedNoise.Recorded(Set.of(981, 41), 0, Double.NaN, 1);
    private static final RecordedNoise.Recorded TRAJ = new RecordedNoise.Recorded(Set.of(41), 50, 7.5, 1);

    @Test
    void pureNoiseDetectorsAreServedByTheirTimesteps() {
        assertThat(Detectors.create("anisotropy").needs().unmetBy(PURE)).isEmpty();
        assertThat(Detectors.create("wen-first", 1).needs().unmetBy(PURE)).isEmpty();
        // the trajectory's first step is the pure-noise evaluation at t = 981
        assertThat(Detectors.create("anisotropy").needs().unmetBy(TRAJ)).isEmpty();
        RecordedNoise.Recorded only981 = new RecordedNoise.Recorded(Set.of(981), 0, Double.NaN, 1);
        assertThat(Detectors.create("anisotropy").needs().unmetBy(only981)).hasValueSatisfying(why ->
                assertThat(why).isEqualTo("needs eps_u/eps_c on the pure-noise latent at t = [41]; the recording "
                        + "has t = [981]"));
    }

    @Test
    void trajectoryDetectorsNeedTheSameStepsAndGuidance() {
        assertThat(Detectors.create("wen-full", 1).needs().unmetBy(TRAJ)).isEmpty();
        assertThat(Detectors.create("wen-full", 1).needs().unmetBy(PURE)).get().asString()
                .contains("the recording has no trajectory");
        RecordedNoise.Recorded other = new RecordedNoise.Recorded(Set.of(), 50, 5.0, 1);
        assertThat(Detectors.create("wen-full", 1).needs().unmetBy(other)).get().asString()
                .contains("the recording has a 50-step trajectory at guidance 5.0");
        assertThat(new WenDetector(0, 10, 25, 1, 0, 7.5).needs().unmetBy(TRAJ)).get().asString()
                .contains("needs the 25-step CFG DDIM trajectory");
    }

    @Test
    void imagesJacobiansAndPerturbedInputsAreNamed() {
        assertThat(Detectors.create("wen-first").needs().unmetBy(PURE)).get().asString()
                .isEqualTo("needs 4 images per prompt; the recording has 1");
        assertThat(Detectors.create("carlini").needs().unmetBy(TRAJ)).get().asString()
                .isEqualTo("needs 8 images per prompt; the recording has 1");
        assertThat(Detectors.create("sharpness").needs().unmetBy(TRAJ)).get().asString()
                .isEqualTo("needs exact Jacobian-vector products of the model");
        assertThat(Detectors.create("sharpness-fd").needs().unmetBy(TRAJ)).get().asString()
                .startsWith("needs predictions at perturbed latents");
    }
}
