package dev.memscope.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Oracle: float64 triple loops. Tolerance: a float32 dot product of length k with any summation order is within
 * gamma_k * sum|a_i b_i| of the exact value (Higham, Accuracy and Stability, eq. 3.5), gamma_k = k u / (1 - k u).
 */
class VectorGemmTest {

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "3,5,7", "4,4,16", "5,17,33", "13,70,300", "64,130,2100", "7,1030,65"})
    void ntAndNnMatchFloat64WithinTheWorstCaseBound(int m, int n, int k) {
        float[] a = random(m * k, 1);
        float[] bt = random(n * k, 2);
        float[] b = random(k * n, 3);
        float[] c = new float[m * n];
        double gamma = k * 0x1p-24 / (1 - k * 0x1p-24) + 0x1p-24;
        try (VectorGemm g = new VectorGemm(2)) {
            g.multiplyNT(m, n, k, a, bt, c);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[i * k + p] * bt[j * k + p];
                        abs += Math.abs((double) a[i * k + p] * bt[j * k + p]);
                    }
                    assertThat(Math.abs(c[i * n + j] - s)).as("NT c[%d][%d]", i, j).isLessThanOrEqualTo(gamma * abs);
                }
            }
            g.multiplyNN(m, n, k, a, b, c);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[i * k + p] * b[p * n + j];
                        abs += Math.abs((double) a[i * k + p] * b[p * n + j]);
                    }
                    assertThat(Math.abs(c[i * n + j] - s)).as("NN c[%d][%d]", i, j).isLessThanOrEqualTo(gamma * abs);
                }
            }
        }
    }

    @Test
    void oneAndTwoThreadsAreBitIdentical() {
        int m = 9;
        int n = 1100;
        int k = 2500;
        float[] a = random(m * k, 4);
        float[] b = random(n * k, 5);
        float[] c1 = new float[m * n];
        float[] c2 = new float[m * n];
        try (VectorGemm one = new VectorGemm(1); VectorGemm two = new VectorGemm(2)) {
            one.multiplyNT(m, n, k, a, b, c1);
            two.multiplyNT(m, n, k, a, b, c2);
            assertThat(c2).isEqualTo(c1);
            one.multiplyNN(m, n, k, a, b, c1);
            two.multiplyNN(m, n, k, a, b, c2);
            assertThat(c2).isEqualTo(c1);
        }
    }

    @Test
    void badArgumentsNameTheOperand() {
        try (VectorGemm g = new VectorGemm(1)) {
            assertThatThrownBy(() -> g.multiplyNT(2, 2, 3, new float[6], new float[5], new float[4]))
                    .hasMessageContaining("matrix B").hasMessageContaining("needs 6");
            assertThatThrownBy(() -> g.multiplyNN(0, 2, 3, new float[6], new float[6], new float[4]))
                    .hasMessageContaining("m=0");
        }
    }
}
