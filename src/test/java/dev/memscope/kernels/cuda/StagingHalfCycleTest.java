package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pinned staging halves alternate across calls, so consecutive uploads can overlap. */
class StagingHalfCycleTest {

    @Test
    void consecutiveOnePieceUploadsUseDifferentHalves() {
        Staging.HalfCycle c = new Staging.HalfCycle();
        // eps_c then eps_u (one piece each), then the next call's two inputs: 0 1 0 1, never 0 0 (which waits)
        assertThat(new int[] {c.take(), c.take(), c.take(), c.take()}).containsExactly(0, 1, 0, 1);
    }

    @Test
    void aMultiPieceTransferContinuesFromWhereTheLastOneStopped() {
        Staging.HalfCycle c = new Staging.HalfCycle();
        assertThat(c.take(3)).isZero();     // pieces on halves 0, 1, 0
        assertThat(c.take()).isEqualTo(1);  // the next piece goes to the half the last piece did not use
        assertThat(c.take(2)).isZero();
        assertThat(c.take(0)).isZero();     // nothing to move: no half used
        assertThat(c.take()).isZero();
    }
}
