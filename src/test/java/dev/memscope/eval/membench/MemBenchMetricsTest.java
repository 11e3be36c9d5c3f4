package dev.memscope.eval.membench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MemBench metrics against {@code src/test/resources/membench/expected.json}, written by
 * {@code scripts/eval/membench_expected.py} (NumPy/SciPy float64; Frechet via scipy.linalg.sqrtm of S1 S2).
 */
class MemBenchMetricsTest {
    /** Cosines of float32 inputs accumulated in float64: only summation order differs from NumPy. */
    private static final double COSINE_ATOL = 1e-12;
    /** Pooling is a float64 mean of 4 float32 values. */
    private static final double POOL_ATOL = 1e-12;
    /** Full-rank covariances: Jacobi vs sqrtm (Schur) differ by rounding of a 64-term eigen-sum. */
    private static final double FRECHET_RTOL = 1e-8;
    /** Rank-deficient covariances: sqrtm of a singular product is accurate only to ~sqrt(eps) on the null space. */
    private static final double FRECHET_RTOL_SINGULAR = 1e-5;

    private static JsonNode expected;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MemBenchMetricsTest.class.getResourceAsStream("/membench/expected.json")) {
            expected = new ObjectMapper().readTree(in);
        }
        assertThat(expected.get("oracle").asText()).contains("SciPy");
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }

    private static double[][] matrix(JsonNode a) {
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new double[a.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = a.get(i).get(j).asDouble();
            }
        }
        return m;
    }

    @Test
    void triggerCopyingMatchesOracle() {
        for (JsonNode c : expected.get("trigger")) {
            int n = c.get("n").asInt();
            int d = c.get("d").asInt();
            TriggerCopying t = TriggerCopying.of(floats(c.get("images")), 0, n, d, floats(c.get("reference")));
            assertThat(t.maxSimilarity()).isCloseTo(c.get("max").asDouble(), within(COSINE_ATOL));
            assertThat(t.top3Similarity()).isCloseTo(c.get("top3").asDouble(), within(COSINE_ATOL));
            assertThat(t.shareAbove()).isEqualTo(c.get("share").asDouble());
        }
        // The fixed cases cover every branch: some images above 0.5 and some not, and n < 3.
        assertThat(expected.get("trigger").get(0).get("share").asDouble()).isStrictlyBetween(0.0, 1.0);
        assertThat(expected.get("trigger").get(1).get("n").asInt()).isLessThan(3);
    }

    @Test
    void triggerMeansArePerMetricMeans() {
        TriggerCopying m = TriggerCopying.mean(List.of(new TriggerCopying(0.9, 0.8, 1.0),
                new TriggerCopying(0.3, 0.2, 0.0)));
        assertThat(m.maxSimilarity()).isCloseTo(0.6, within(1e-15));
        assertThat(m.top3Similarity()).isCloseTo(0.5, within(1e-15));
        assertThat(m.shareAbove()).isCloseTo(0.5, within(1e-15));
        assertThatThrownBy(() -> TriggerCopying.mean(List.of())).hasMessageContaining("no prompts");
        assertThatThrownBy(() -> TriggerCopying.ofSimilarities(new double[] {0.1, Double.NaN}))
                .hasMessageContaining("NaN");
    }

    @Test
    void poolingMatchesOracle() {
        JsonNode p = expected.get("pooling");
        double[][] f = PooledFeatures.of(floats(p.get("images")), p.get("n").asInt(), p.get("c").asInt(),
                p.get("h").asInt(), p.get("w").asInt(), p.get("grid").asInt());
        JsonNode e = p.get("features");
        int dim = f[0].length;
        assertThat(dim).isEqualTo(2 * 16);
        for (int s = 0; s < f.length; s++) {
            for (int j = 0; j < dim; j++) {
                assertThat(f[s][j]).as("sample %d feature %d", s, j).isCloseTo(e.get(s * dim + j).asDouble(),
                        within(POOL_ATOL));
            }
        }
        assertThatThrownBy(() -> PooledFeatures.of(new float[6 * 2 * 8 * 8], 6, 2, 8, 8, 3))
                .hasMessageContaining("8x8").hasMessageContaining("3x3");
    }

    @Test
    void frechetMatchesScipySqrtm() {
        for (JsonNode c : expected.get("frechet")) {
            double fd = FrechetDistance.of(matrix(c.get("a")), matrix(c.get("b")));
            double want = c.get("expected").asDouble();
            double rtol = c.get("rankDeficient").asBoolean() ? FRECHET_RTOL_SINGULAR : FRECHET_RTOL;
            assertThat(Math.abs(fd - want) / Math.abs(want)).as("relative error vs %s", want).isLessThan(rtol);
        }
    }

    @Test
    void poolingThenFrechetMatchesOracle() {
        JsonNode p = expected.get("pipeline");
        int c = p.get("c").asInt();
        int h = p.get("h").asInt();
        int w = p.get("w").asInt();
        int g = p.get("grid").asInt();
        double fd = FrechetDistance.of(PooledFeatures.of(floats(p.get("a")), p.get("n1").asInt(), c, h, w, g),
                PooledFeatures.of(floats(p.get("b")), p.get("n2").asInt(), c, h, w, g));
        assertThat(Math.abs(fd / p.get("expected").asDouble() - 1)).isLessThan(FRECHET_RTOL);
    }

    @Test
    void frechetOfASetWithItselfIsZeroAndBadInputIsNamed() {
        double[][] a = {{1, 2}, {3, 1}, {0, 5}, {2, 2}};
        assertThat(FrechetDistance.of(a, a)).isCloseTo(0, within(1e-12));
        assertThatThrownBy(() -> FrechetDistance.of(new double[][] {{1}}, a)).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> FrechetDistance.of(a, new double[][] {{1, 2}, {1}}))
                .hasMessageContaining("second set, sample 1");
        assertThatThrownBy(() -> FrechetDistance.of(a, new double[][] {{1, 2}, {1, Double.NaN}}))
                .hasMessageContaining("NaN");
    }

    @Test
    void jacobiReconstructsASymmetricMatrix() {
        double[][] s = {{4, 1, 0.5}, {1, 3, -0.2}, {0.5, -0.2, 2}};
        double[][] r = SymmetricEigen.sqrtPsd(s);
        double[][] rr = SymmetricEigen.multiply(r, r);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(rr[i][j]).isCloseTo(s[i][j], within(1e-13));
            }
        }
    }
}
