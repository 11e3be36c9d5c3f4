package dev.memscope.mia;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The pieces of CLiD_th against hand-computed values (oracle: arithmetic in the comments). */
class ClidPiecesTest {

    @Test
    void robustScalerUsesMedianAndLinearIqr() {
        // column 0: 1, 2, 3, 4, 10 -> median 3, q25 = 2, q75 = 4, IQR 2
        // column 1: 0, 0, 0, 0, 0  -> median 0, IQR 0 -> scale 1
        double[][] x = {{10, 0}, {1, 0}, {3, 0}, {2, 0}, {4, 0}};
        RobustScaler s = RobustScaler.fit(x);
        assertThat(s.center()).containsExactly(3, 0);
        assertThat(s.scale()).containsExactly(2, 1);
        assertThat(s.transform(new double[][] {{7, 5}})[0]).containsExactly(2, 5);
    }

    @Test
    void robustScalerInterpolatesBetweenOrderStatistics() {
        // n = 4 sorted {1, 2, 4, 8}: median (2 + 4) / 2 = 3; q25 at position 0.75 -> 1 + 0.75 * 1 = 1.75;
        // q75 at position 2.25 -> 4 + 0.25 * 4 = 5; IQR 3.25
        RobustScaler s = RobustScaler.fit(new double[][] {{8}, {1}, {4}, {2}});
        assertThat(s.center()).containsExactly(3);
        assertThat(s.scale()[0]).isCloseTo(3.25, within(1e-15));
    }

    @Test
    void sweepGridFollowsNumpyArange() {
        double[] g = ThresholdSweep.grid(0, 1, 4); // arange(0, 1, 0.25)
        assertThat(g).containsExactly(0, 0.25, 0.5, 0.75);
        assertThat(ThresholdSweep.grid(0.1, 0.7, 2000)).hasSizeBetween(2000, 2001);
        assertThat(ThresholdSweep.grid(2, 2, 2000)).isEmpty();
    }

    @Test
    void sweepFindsTheFirstBestThresholdAndItsAccuracy() {
        // members (lower) 0, 1, 2; hold-out 3, 4, 10: every threshold in [2, 3) splits perfectly; grid step 0.5:
        // 0, 0.5, ..., 9.5; the first perfect one is 2.0
        ThresholdSweep s = ThresholdSweep.of(new double[] {0, 1, 2}, new double[] {3, 4, 10}, 20);
        assertThat(s.thresholds()).isEqualTo(20);
        assertThat(s.threshold()).isEqualTo(2.0);
        assertThat(s.accuracy()).isEqualTo(1.0);
        // swept points: (0, 1/3) ... (0, 1) at th = 2, then (1/3, 1), (2/3, 1); the max (10) is never a
        // threshold, so FPR stops at 2/3: area 2/3
        assertThat(s.sweepAuc()).isCloseTo(2 / 3.0, within(1e-15));
        assertThat(ThresholdSweep.accuracy(new double[] {0, 1, 2}, new double[] {3, 4, 10}, 0.5)).isEqualTo(4 / 6.0);
    }

    @Test
    void sweepRejectsDegenerateInput() {
        assertThatThrownBy(() -> ThresholdSweep.of(new double[0], new double[] {1}))
                .hasMessageContaining("0 members and 1 hold-out");
        assertThatThrownBy(() -> ThresholdSweep.of(new double[] {1, 1}, new double[] {1}))
                .hasMessageContaining("every score equals 1.0");
        assertThatThrownBy(() -> ThresholdSweep.of(new double[] {1, Double.NaN}, new double[] {1}))
                .hasMessageContaining("score 1 is NaN");
    }

    @Test
    void termsAreCond0AndMinusMeanDifference() {
        ClidFeatures f = new ClidFeatures("hand", new double[][] {{0.5, 0.1, 0.2, 0.3, 0.4}});
        assertThat(f.terms()[0][0]).isEqualTo(0.5);
        assertThat(f.terms()[0][1]).isCloseTo(-0.25, within(1e-16));
    }

    /** Members are lower in one term only: alpha must pick that term. */
    private static ClidFeatures synth(String name, boolean member, boolean signalInL, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] rows = new double[200][5];
        for (double[] row : rows) {
            double shift = member ? 1.0 : 0.0;
            row[0] = 1 + r.nextDouble() - (signalInL ? 0.5 * shift : 0);
            for (int j = 1; j < 5; j++) {
                row[j] = r.nextDouble() + (signalInL ? 0 : 0.6 * shift);
            }
        }
        return new ClidFeatures(name, rows);
    }

    @Test
    void alphaFollowsTheTermThatSeparatesTheShadow() {
        ClidResult onlyL = ClidThreshold.evaluate(synth("sm", true, true, 1), synth("sh", false, true, 2),
                synth("tm", true, true, 3), synth("th", false, true, 4));
        assertThat(onlyL.alpha()).isEqualTo(0.0);
        ClidResult onlyD = ClidThreshold.evaluate(synth("sm", true, false, 1), synth("sh", false, false, 2),
                synth("tm", true, false, 3), synth("th", false, false, 4));
        assertThat(onlyD.alpha()).isGreaterThanOrEqualTo(0.8);
        for (ClidResult r : List.of(onlyL, onlyD)) {
            assertThat(r.targetAuc()).isGreaterThan(0.8);
            assertThat(r.targetAsr()).isGreaterThan(0.7);
            assertThat(r.targetTprAt1()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void clippingRemovesTheTopWordsByTheAuthorsRule() {
        List<String> w = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        double[] imp = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        // n = 10: int(3 - 0.01) = 2 -> cut at the 3rd largest: 3 words go; 50%: 5 go; 70%: 7 go
        assertThat(CaptionClipping.clip(w, imp, 0.3)).isEqualTo("d e f g h i j");
        assertThat(CaptionClipping.clip(w, imp, 0.5)).isEqualTo("f g h i j");
        assertThat(CaptionClipping.clip(w, imp, 0.7)).isEqualTo("h i j");
        // one word: always removed; ties at the cut-off go together
        assertThat(CaptionClipping.clip(List.of("solo"), new double[] {1}, 0.3)).isEmpty();
        assertThat(CaptionClipping.clip(List.of("x", "y", "z"), new double[] {1, 1, 0}, 0.3)).isEqualTo("z");
        assertThatThrownBy(() -> CaptionClipping.clip(w, new double[3], 0.3)).hasMessageContaining("10 words but 3");
    }
}
