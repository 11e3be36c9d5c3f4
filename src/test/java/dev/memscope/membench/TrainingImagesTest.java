package dev.memscope.membench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.mitigate.TrainingImages;
import dev.memscope.model.lab.LabConfig;
import dev.memscope.model.lab.LabWorld;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The training set AMG searches in the MemBench lab: memorized components are their (duplicated) image, broad
 * components one seeded draw of their cluster. Oracle: the closed form of a draw, mu + sqrt(sigma2) z, whose cosine
 * to mu is about sqrt(|mu|^2 / (|mu|^2 + D sigma2)).
 */
class TrainingImagesTest {
    private static final LabConfig WORLD = LabConfig.defaults().with("height", 16).with("width", 16)
            .with("genericComponents", 8).with("beta", MemBenchLab.DEFAULT_BETA);

    @Test
    void memorizedImagesAreTheirMeansAndBroadOnesAreDrawsOfTheirCluster() {
        LabWorld w = LabWorld.buildGrouped(WORLD, java.util.List.of(java.util.List.of("fire us army garden flag"),
                java.util.List.of("happy scientist", "the happy scientist")), java.util.List.of("a red bicycle",
                "sunset over the hills"));
        TrainingImages t = MemBenchRun.trainingImages(w);
        int d = w.dim();
        assertThat(t.count()).isEqualTo(w.components());
        for (int k = 0; k < w.components(); k++) {
            float[] img = Arrays.copyOfRange(t.images(), k * d, (k + 1) * d);
            float[] mu = w.mean(k);
            if (w.kind(k) == LabWorld.Kind.MEMORIZED) {
                assertThat(img).as("memorized component %d", k).containsExactly(mu);
            } else {
                double dot = 0, nm = 0, ni = 0, var = 0;
                for (int j = 0; j < d; j++) {
                    dot += (double) img[j] * mu[j];
                    nm += (double) mu[j] * mu[j];
                    ni += (double) img[j] * img[j];
                    var += ((double) img[j] - mu[j]) * ((double) img[j] - mu[j]);
                }
                double expected = Math.sqrt(nm / (nm + d * w.sigma2()[k]));
                assertThat(dot / Math.sqrt(nm * ni)).as("cosine of draw %d to its mean", k)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(0.1));
                // sample variance of the draw's noise against sigma2 (D = 1024: relative spread ~ sqrt(2/D) = 4%)
                assertThat(var / d).as("noise variance of draw %d", k)
                        .isCloseTo(w.sigma2()[k], org.assertj.core.data.Percentage.withPercentage(20));
            }
        }
        assertThat(MemBenchRun.trainingImages(w).images()).as("seeded, so reproducible").containsExactly(t.images());
    }
}
