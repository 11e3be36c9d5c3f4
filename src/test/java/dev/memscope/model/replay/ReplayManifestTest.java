package dev.memscope.model.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.diffusion.NoiseSchedule;
import dev.memscope.model.PredictionType;
import org.junit.jupiter.api.Test;

/** Reading the manifests scripts/record_eps.py wrote for the tiny test model. */
class ReplayManifestTest {

    @Test
    void readsThePureNoiseRecording() throws Exception {
        ReplayManifest m = ReplayManifest.load(ReplayTestData.pure());
        assertThat(m.predictionType()).isEqualTo(PredictionType.EPSILON);
        assertThat(new int[] {m.channels(), m.height(), m.width()}).containsExactly(4, 8, 8);
        assertThat(m.timesteps()).containsExactly(981, 41);
        assertThat(m.trajectorySteps()).isZero();
        assertThat(m.guidance()).isNaN();
        assertThat(m.prompts()).hasSize(12);
        assertThat(m.promptsLabelled("mem")).hasSize(6).first().isEqualTo("The No Limits Business Woman Podcast");
        assertThat(m.promptsLabelled("nmem")).hasSize(6).doesNotContainAnyElementsOf(m.promptsLabelled("mem"));
        assertThat(m.promptTexts()).isEqualTo(ReplayTestData.prompts(ReplayTestData.pure()));
        // noise + eps_u/eps_c at two timesteps, each in shards of 5, 5 and 2 prompts
        assertThat(m.shards()).hasSize(15);
        assertThat(m.shards()).filteredOn(s -> s.field().equals(ReplayManifest.NOISE))
                .extracting(ReplayManifest.Shard::count).containsExactly(5, 5, 2);
        assertThat(m.noiseRule()).contains("manual_seed(seed + i)");
        assertThat(m.model()).startsWith("tiny:");
    }

    @Test
    void readsTheTrajectoryRecordingWhoseTimestepsAreJavasDdimSchedule() throws Exception {
        ReplayManifest m = ReplayManifest.load(ReplayTestData.trajectory());
        assertThat(m.trajectorySteps()).isEqualTo(50);
        assertThat(m.guidance()).isEqualTo(7.5);
        assertThat(m.prompts()).hasSize(4);
        assertThat(m.shards()).filteredOn(s -> s.field().equals(ReplayManifest.TRAJ_X))
                .extracting(s -> s.shape()[1]).containsOnly(50);
        // the loader refuses any other list; this pins what it compared against
        assertThat(NoiseSchedule.stableDiffusion().ddimTimesteps(50)).startsWith(981, 961).endsWith(21, 1);
    }
}
