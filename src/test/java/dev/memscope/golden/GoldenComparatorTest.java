package dev.memscope.golden;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pass rule |actual - expected| <= atol + rtol |expected|, worked out by hand for each case below. */
class GoldenComparatorTest {

    @Test
    void passesAtTheBoundAndFailsJustPastIt() {
        Tolerance tol = Tolerance.of(1e-3, 0.5);
        // allowed at expected 100: 0.5 + 0.1 = 0.6
        assertThat(GoldenComparator.compare(new double[] {100}, new float[] {100.5f}, new int[] {1}, tol).passed()).isTrue();
        Comparison c = GoldenComparator.compare(new double[] {100}, new float[] {100.75f}, new int[] {1}, tol);
        assertThat(c.passed()).isFalse();
        assertThat(c.worstRatio()).isCloseTo(0.75 / 0.6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.maxAbsError()).isEqualTo(0.75);
        assertThat(c.maxRelError()).isEqualTo(0.0075);
    }

    @Test
    void reportsTheElementClosestToFailingNotTheLargestAbsoluteError() {
        Tolerance tol = Tolerance.of(1e-2, 0);
        // element 0: error 1 of allowed 10 (ratio 0.1); element 1: error 0.05 of allowed 0.01 (ratio 5)
        Comparison c = GoldenComparator.compare(new double[] {1000, 1}, new float[] {1001, 1.05f}, new int[] {2}, tol);
        assertThat(c.worstIndex()).isEqualTo(1);
        assertThat(c.worstWhere()).isEqualTo("sample 1");
        assertThat(c.maxAbsError()).isEqualTo(1.0);
        assertThat(c.failures()).isEqualTo(1);
    }

    @Test
    void locatesElementsOfABatchTensor() {
        int[] shape = {2, 3, 4, 5};
        double[] e = new double[120];
        float[] a = new float[120];
        int flat = ((1 * 3 + 2) * 4 + 3) * 5 + 1;   // sample 1, c=2, h=3, w=1
        a[flat] = 1;
        Comparison c = GoldenComparator.compare(e, a, shape, Tolerance.of(0, 0.1));
        assertThat(c.passed()).isFalse();
        assertThat(c.worstWhere()).isEqualTo("sample 1, c=2, h=3, w=1");
        assertThat(c.describe()).contains("sample 1, c=2, h=3, w=1").contains("1 of 120");
    }

    @Test
    void perSampleAtolAppliesToItsOwnSample() {
        Tolerance tol = new Tolerance(0, new double[] {1e-3, 10});
        int[] shape = {2, 1, 1, 2};
        double[] e = {0, 0, 0, 0};
        assertThat(GoldenComparator.compare(e, new float[] {0, 0, 5, 5}, shape, tol).passed()).isTrue();
        Comparison c = GoldenComparator.compare(e, new float[] {0.01f, 0, 0, 0}, shape, tol);
        assertThat(c.passed()).isFalse();
        assertThat(c.worstWhere()).isEqualTo("sample 0, c=0, h=0, w=0");
    }

    @Test
    void nonFiniteResultsFailEvenWithAHugeTolerance() {
        Tolerance tol = Tolerance.of(1, 1e30);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Comparison c = GoldenComparator.compare(new double[] {1, 2}, new float[] {1, bad}, new int[] {2}, tol);
            assertThat(c.passed()).as("%s", bad).isFalse();
            assertThat(c.worstIndex()).isEqualTo(1);
        }
    }

    @Test
    void zeroReferenceGivesInfiniteRelativeErrorOnlyWhenTheResultIsNonZero() {
        Tolerance tol = Tolerance.of(1e-6, 1e-6);
        assertThat(GoldenComparator.compare(new double[] {0}, new float[] {0}, new int[] {1}, tol).maxRelError()).isZero();
        Comparison c = GoldenComparator.compare(new double[] {0}, new float[] {1e-7f}, new int[] {1}, tol);
        assertThat(c.maxRelError()).isInfinite();
        assertThat(c.passed()).isTrue();
    }

    @Test
    void rejectsMismatchedSizesAndTolerances() {
        assertThatThrownBy(() -> GoldenComparator.compare(new double[3], new float[2], new int[] {3}, Tolerance.of(0, 0)))
                .hasMessageContaining("[3]");
        assertThatThrownBy(() -> GoldenComparator.compare(new double[3], new float[3], new int[] {3},
                new Tolerance(0, new double[] {1, 2}))).hasMessageContaining("batch of 3");
        assertThatThrownBy(() -> Tolerance.of(-1, 0)).hasMessageContaining("rtol");
        assertThatThrownBy(() -> Tolerance.of(0, Double.NaN)).hasMessageContaining("atol");
    }
}
