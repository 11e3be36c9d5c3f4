package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The timer's buffer rotation: how many copies evict L2 between two uses of one copy. */
class TimingPlanTest {
    private static final long MIB = 1 << 20;
    private static final long L2 = 50 * MIB;
    private static final long POOL = 4096 * MIB;

    @Test
    void aBatchOfOneRotatesThroughHundredsOfCopies() {
        // [1, 4, 64, 64]: 64 KiB per tensor, two inputs per launch = 128 KiB; 100 MiB / 128 KiB = 800, + 1
        int copies = TimingPlan.rotation(128 * 1024, 5 * 64 * 1024, L2, POOL);
        assertThat(copies).isEqualTo(801);
        assertThat(TimingPlan.evicts(copies, 128 * 1024, L2)).isTrue();
        assertThat(TimingPlan.evicts(copies - 1, 128 * 1024, L2)).isFalse();
    }

    @Test
    void aWorkingSetOfTwiceTheL2NeedsNoRotation() {
        assertThat(TimingPlan.rotation(100 * MIB, 250 * MIB, L2, POOL)).isEqualTo(1);
        assertThat(TimingPlan.evicts(1, 100 * MIB, L2)).isTrue();
    }

    @Test
    void batch256RotatesThroughFiveCopies() {
        // [256, 4, 64, 64]: 16 MiB per tensor; two inputs = 32 MiB; ceil(100 / 32) + 1 = 5
        assertThat(TimingPlan.rotation(32 * MIB, 80 * MIB, L2, POOL)).isEqualTo(5);
    }

    @Test
    void thePoolCapLimitsTheRotationAndIsReported() {
        int copies = TimingPlan.rotation(128 * 1024, 64 * MIB, L2, 256 * MIB);
        assertThat(copies).isEqualTo(4);
        assertThat(TimingPlan.evicts(copies, 128 * 1024, L2)).isFalse();
    }

    @Test
    void poolViewsStayFloat4Aligned() {
        assertThat(TimingPlan.aligned(4 * 4099)).isEqualTo(16_640).matches(b -> b % 16 == 0);
        assertThat(TimingPlan.aligned(256)).isEqualTo(256);
    }
}
