package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * ResidentKernels checks no values, so the host must reject parameters that would turn the coefficients into
 * NaN before they reach a kernel (the same ranges CheckedKernels enforces on the checked path).
 */
class ResidentKernelsArgumentsTest {

    @Test
    void amgRejectsAbarOutsideZeroOneWhenTheNoiseTermIsUsed() {
        float[] one = {1f};
        assertThatThrownBy(() -> ResidentKernels.amgCoefficients(7.5, one, null, one, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("abar_t must be in (0, 1]");
        assertThatThrownBy(() -> ResidentKernels.amgCoefficients(7.5, one, null, one, 0.0))
                .hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> ResidentKernels.amgCoefficients(7.5, one, null, one, Double.NaN))
                .hasMessageContaining("got NaN");
        // without c3 (no g term) abar_t is not used
        assertThat(ResidentKernels.amgCoefficients(7.5, one, null, null, 1.5)[0]).containsExactly(6.5f);
    }

    @Test
    void amgCoefficientsAreFiniteAtTheEdgeOfTheRange() {
        float[][] k = ResidentKernels.amgCoefficients(7.5, new float[] {0.5f}, new float[] {2f}, new float[] {3f},
                1.0);
        assertThat(k[0]).containsExactly(7f);
        assertThat(k[1]).containsExactly(2f);
        assertThat(k[2]).containsExactly(0f);   // 3 * sqrt(1 - 1)
    }

    @Test
    void amgRejectsPerSampleArraysOfTheWrongLength() {
        assertThatThrownBy(() -> ResidentKernels.amgCoefficients(1, new float[2], new float[3], null, 0.5))
                .hasMessageContaining("one value per sample (2)");
    }

    @Test
    void abarRangeIsOpenAtOneWhenDivisionBySqrtOneMinusAbarFollows() {
        ResidentKernels.abarInRange("convert", "abar", 1.0, true);
        assertThatThrownBy(() -> ResidentKernels.abarInRange("convert", "abar", 1.0, false))
                .hasMessageContaining("must be in (0, 1)");
    }
}
