package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The tiled CUDA GEMM against a double-precision host product (the oracle), on sizes that are not multiples of
 * the 64 x 64 x 16 tiles so every edge is exercised. Skipped, with the reason, where no CUDA device is present.
 */
@ExtendWith(RequiresCuda.class)
class CudaGemmTest {

    private static CudaGemm gemm;

    @BeforeAll
    static void open() {
        gemm = new CudaGemm();
    }

    @AfterAll
    static void close() {
        if (gemm != null) {
            gemm.close();
        }
    }

    private static float[] random(int n, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "37,53,19", "64,64,16", "130,65,257", "200,3,1000", "1,300,64"})
    void productsMatchADoublePrecisionProduct(int m, int n, int k) {
        float[] a = random(m * k, 1);
        float[] bt = random(n * k, 2); // n x k for NT
        float[] b = random(k * n, 3);  // k x n for NN
        float[] c = new float[m * n];

        gemm.multiplyNT(m, n, k, a, bt, c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) a[i * k + p] * bt[j * k + p];
                    sum += t;
                    abs += Math.abs(t);
                }
                assertThat((double) c[i * n + j]).as("NT c[%d][%d]", i, j)
                        .isCloseTo(sum, org.assertj.core.data.Offset.offset(CudaTolerances.gemmTolerance(k, abs)));
            }
        }

        gemm.multiplyNN(m, n, k, a, b, c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) a[i * k + p] * b[p * n + j];
                    sum += t;
                    abs += Math.abs(t);
                }
                assertThat((double) c[i * n + j]).as("NN c[%d][%d]", i, j)
                        .isCloseTo(sum, org.assertj.core.data.Offset.offset(CudaTolerances.gemmTolerance(k, abs)));
            }
        }
    }

    @Test
    void tooShortArraysAreNamed() {
        assertThatThrownBy(() -> gemm.multiplyNT(4, 4, 4, new float[16], new float[15], new float[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matrix B (4 x 4) needs 16");
    }

    @Test
    void aResidentOperandGivesTheSameProductsAsUploadingItEachTime() {
        int m = 16;
        int n = 70;
        int k = 300;
        float[] a = random(m * k, 4);
        float[] b = random(n * k, 5);
        float[] copied = new float[m * n];
        float[] kept = new float[m * n];
        gemm.multiplyNT(m, n, k, a, b.clone(), copied);
        try (CudaGemm g = new CudaGemm()) {
            g.keepResident(b);
            g.multiplyNT(m, n, k, a, b, kept);
            assertThat(kept).containsExactly(copied);   // same kernel, same plan: bit-identical
            g.multiplyNT(m, n, k, a, b, kept);
            assertThat(kept).containsExactly(copied);
            // a changed matrix is picked up only when promised again
            java.util.Arrays.fill(b, 0f);
            g.keepResident(b);
            g.multiplyNT(m, n, k, a, b, kept);
            assertThat(kept).containsOnly(0f);
        }
    }
}
