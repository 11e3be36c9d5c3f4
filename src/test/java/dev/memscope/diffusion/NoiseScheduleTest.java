package dev.memscope.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Oracle: diffusers' DDIMScheduler for SD v1 (scaled_linear, leading spacing, steps_offset 1), as pinned by issue 4. */
class NoiseScheduleTest {
    private static final double RTOL = 1e-6;
    private final NoiseSchedule s = NoiseSchedule.stableDiffusion();

    @Test
    void alphabarMatchesPinnedValues() {
        assertThat(s.alphabar(981)).isCloseTo(0.0057754889, within(RTOL * 0.0057754889));
        assertThat(s.alphabar(41)).isCloseTo(0.9608729, within(RTOL * 0.9608729));
    }

    @Test
    void alphabarDecreasesFromBelowOne() {
        assertThat(s.alphabar(0)).isCloseTo(1 - NoiseSchedule.BETA_START, within(1e-7));
        for (int t = 1; t < 1000; t++) {
            assertThat(s.alphabar(t)).isLessThan(s.alphabar(t - 1)).isPositive();
        }
    }

    @Test
    void fiftyDdimStepsAre981DownTo1() {
        int[] ts = s.ddimTimesteps(50);
        assertThat(ts).hasSize(50);
        assertThat(ts[0]).isEqualTo(981);
        assertThat(ts[1]).isEqualTo(961);
        assertThat(ts[49]).isEqualTo(1);
        for (int i = 1; i < 50; i++) {
            assertThat(ts[i - 1] - ts[i]).isEqualTo(20);
        }
        assertThat(s.alphabarPrev(1, 50)).isEqualTo(1.0);
        assertThat(s.alphabarPrev(981, 50)).isEqualTo(s.alphabar(961));
    }

    @Test
    void rejectsOutOfRange() {
        assertThatThrownBy(() -> s.alphabar(1000)).hasMessageContaining("1000");
        assertThatThrownBy(() -> s.ddimTimesteps(0)).hasMessageContaining("0");
    }
}
