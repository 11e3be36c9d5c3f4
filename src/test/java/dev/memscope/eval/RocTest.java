package dev.memscope.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Roc} against {@code src/test/resources/roc/expected.json}, written by {@code scripts/eval/roc_expected.py}
 * (oracle: scikit-learn's roc_curve / roc_auc_score, or SciPy's mannwhitneyu with a NumPy roc_curve; the file
 * names the one used). Curve points, thresholds, TPR-at-FPR and accuracies are ratios of integer counts divided
 * once in float64 on both sides, so they are compared exactly; the AUC (a trapezoid sum in scikit-learn) to 1e-12.
 */
class RocTest {
    private static final double AUC_TOL = 1e-12;
    private static final JsonNode EXPECTED = load();

    private static JsonNode load() {
        try (InputStream in = RocTest.class.getResourceAsStream("/roc/expected.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        EXPECTED.get("cases").forEach(c -> out.add(Arguments.of(c.get("name").asText(), c)));
        return out.stream();
    }

    private static double num(JsonNode n) {
        if (n.isTextual()) {
            return Double.parseDouble(n.asText()); // "Infinity"
        }
        return n.asDouble();
    }

    private static double[] nums(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = num(a.get(i));
        }
        return out;
    }

    @Test
    void expectedFileNamesItsOracle() {
        assertThat(EXPECTED.get("oracle").asText()).containsAnyOf("scikit-learn", "scipy");
        assertThat(EXPECTED.get("cases").size()).isGreaterThanOrEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOracle(String name, JsonNode c) {
        double[] scores = nums(c.get("scores"));
        JsonNode l = c.get("labels");
        boolean[] labels = new boolean[l.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = l.get(i).asBoolean();
        }
        double target = c.get("targetFpr").asDouble();
        Roc roc = Roc.of(scores, labels);

        assertThat(roc.auc()).as("AUC").isCloseTo(c.get("auc").asDouble(), within(AUC_TOL));
        assertThat(roc.fpr()).as("fpr").containsExactly(nums(c.get("fpr")));
        assertThat(roc.tpr()).as("tpr").containsExactly(nums(c.get("tpr")));
        assertThat(roc.thresholds()).as("thresholds").containsExactly(nums(c.get("thresholds")));
        assertThat(roc.tprAtFprNearest(target)).as("nearest").isEqualTo(c.get("tprAtFprNearest").asDouble());
        assertThat(roc.tprAtFprBelow(target)).as("below").isEqualTo(c.get("tprAtFprBelow").asDouble());
        assertThat(roc.tprAtFprNearest(0.03)).as("nearest 3%")
                .isEqualTo(c.get("tprAt3PctFprNearest").asDouble());
        assertThat(roc.tprAtFprAtLeast(target)).as("at least").isEqualTo(c.get("tprAtFprAtLeast").asDouble());
        assertThat(roc.bestAccuracy()).as("best accuracy").isEqualTo(c.get("bestAccuracy").asDouble());
        assertThat(roc.wenBalancedAccuracy()).as("Wen's balanced accuracy")
                .isEqualTo(c.get("wenBalancedAccuracy").asDouble());
        assertThat(roc.bestAccuracyThreshold()).as("best accuracy threshold")
                .isEqualTo(num(c.get("bestAccuracyThreshold")));
    }

    @Test
    void handValuesOfATinyTiedSet() {
        // pos {3, 2}, neg {2, 1}: pairs (3,2) 1, (3,1) 1, (2,2) 1/2, (2,1) 1 -> 3.5 / 4.
        Roc roc = Roc.of(new double[] {3, 2, 2, 1}, new boolean[] {true, true, false, false});
        assertThat(roc.auc()).isEqualTo(0.875);
        assertThat(roc.thresholds()).containsExactly(Double.POSITIVE_INFINITY, 3, 2, 1);
        assertThat(roc.fpr()).containsExactly(0, 0, 0.5, 1);
        assertThat(roc.tpr()).containsExactly(0, 0.5, 1, 1);
        assertThat(roc.bestAccuracy()).isEqualTo(0.75);
        assertThat(roc.bestAccuracyThreshold()).isEqualTo(3.0);
    }

    @Test
    void nearestTiesGoToTheFirstPointAsNumpyArgminDoes() {
        // 20 positives, 500 negatives; the curve has points at FPR 4/500 (TPR 5/20 and 10/20) and 6/500 (TPR 10/20
        // and 15/20), none at 5/500 (two negatives tied). |0.008 - 0.01| == |0.012 - 0.01| in float64, so
        // np.argmin picks the first of the four equally near points: TPR 0.25. The former "later point" rule gave
        // 0.75. Oracle: the same case in roc_expected.py ("nearest-tie-500").
        double[] s = new double[520];
        boolean[] y = new boolean[520];
        int i = 0;
        for (int k = 0; k < 5; k++, i++) { s[i] = 100 - k; y[i] = true; }
        for (int k = 0; k < 4; k++, i++) { s[i] = 95 - k; }
        for (int k = 0; k < 5; k++, i++) { s[i] = 91 - k; y[i] = true; }
        for (int k = 0; k < 2; k++, i++) { s[i] = 86; }
        for (int k = 0; k < 5; k++, i++) { s[i] = 85 - k; y[i] = true; }
        for (int k = 0; k < 494; k++, i++) { s[i] = -k; }
        for (int k = 0; k < 5; k++, i++) { s[i] = -1000; y[i] = true; }
        assertThat(Math.abs(4 / 500.0 - 0.01)).isEqualTo(Math.abs(6 / 500.0 - 0.01));
        Roc roc = Roc.of(s, y);
        assertThat(roc.tprAtFprNearest(0.01)).isEqualTo(0.25);
        assertThat(roc.tprAtFprBelow(0.01)).isEqualTo(0.5);
        assertThat(roc.tprAtFprAtLeast(0.01)).isEqualTo(0.5);
    }

    @Test
    void perfectSeparationHasNearestTprZeroUnderArgmin() {
        // Curve (0,0), (0,1), (1,1): (0,0) and (0,1) are equally near 1% FPR and (0,0) comes first.
        Roc roc = Roc.of(new double[] {4, 3, 2, 1}, new boolean[] {true, true, false, false});
        assertThat(roc.tprAtFprNearest(0.01)).isZero();
        assertThat(roc.tprAtFprBelow(0.01)).isEqualTo(1.0);
    }

    @Test
    void wenBalancedAccuracyWeighsTheClassesEqually() {
        // 1 positive (score 2) among 9 negatives, one negative above it (3): the rule "score >= 2" gets TPR 1,
        // FPR 1/9 -> balanced 1 - (1/9 + 0) / 2 = 17/18; counting samples, "everything negative" is right 9 of 10
        // times and "score >= 2" 9 of 10 times too: best accuracy 0.9.
        Roc roc = Roc.of(new double[] {3, 2, 1, 1, 1, 1, 1, 1, 1, 1},
                new boolean[] {false, true, false, false, false, false, false, false, false, false});
        assertThat(roc.wenBalancedAccuracy()).isEqualTo(1 - (1 / 9.0 + (1 - 1.0)) / 2);
        assertThat(roc.bestAccuracy()).isEqualTo(0.9);
    }

    @Test
    void noPositivesOrNoNegativesIsAnErrorNamingTheCounts() {
        assertThatThrownBy(() -> Roc.of(new double[] {1, 2, 3}, new boolean[] {false, false, false}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 positives").hasMessageContaining("3 negatives");
        assertThatThrownBy(() -> Roc.of(new double[] {1, 2}, new boolean[] {true, true}))
                .hasMessageContaining("2 positives").hasMessageContaining("0 negatives");
        assertThatThrownBy(() -> Roc.of(new double[0], new boolean[0]))
                .hasMessageContaining("0 positives and 0 negatives");
    }

    @Test
    void nonFiniteScoresAreNamedByIndex() {
        assertThatThrownBy(() -> Roc.of(new double[] {1, Double.NaN, 3}, new boolean[] {true, false, true}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("score 1 is NaN");
        assertThatThrownBy(() -> Roc.of(new double[] {1, 2, Double.NEGATIVE_INFINITY},
                new boolean[] {true, false, true})).hasMessageContaining("score 2 is -Infinity");
    }

    @Test
    void lengthMismatchAndBadTargets() {
        assertThatThrownBy(() -> Roc.of(new double[] {1, 2}, new boolean[] {true}))
                .hasMessageContaining("2 scores but 1 labels");
        Roc roc = Roc.of(new double[] {1, 2}, new boolean[] {true, false});
        assertThatThrownBy(() -> roc.tprAtFprNearest(0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> roc.tprAtFprBelow(Double.NaN)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> roc.tprAtFprAtLeast(1.5)).hasMessageContaining("(0, 1]");
    }

    @Test
    void resultIsImmutable() {
        Roc roc = Roc.of(new double[] {1, 2, 3}, new boolean[] {false, true, true});
        roc.fpr()[1] = 42;
        roc.tpr()[1] = 42;
        roc.thresholds()[1] = 42;
        assertThat(roc.fpr()).doesNotContain(42.0);
        assertThat(roc.tpr()).doesNotContain(42.0);
        assertThat(roc.thresholds()).doesNotContain(42.0);
    }
}
