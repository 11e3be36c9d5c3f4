package dev.memscope.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.kernels.cpu.VectorGemm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AMG's deduplication caption: the most frequent caption among the nearest training images, if frequent enough. */
class DedupCaptionTest {
    // x = (1, 0, 0, 0); image 0 is x itself ("b"), images 1-3 are near it ("a", a duplicated item's caption),
    // image 4 is orthogonal ("c")
    private final float[] images = {
        1, 0, 0, 0,
        1, 0.1f, 0, 0,
        1, 0, 0.1f, 0,
        1, 0, 0, 0.1f,
        0, 1, 0, 0,
    };
    private final TrainingSimilarity sim = new TrainingSimilarity(
            new TrainingImages(images, 4, List.of("b", "a", "a", "a", "c")), new VectorGemm(1));
    private final float[] x = {0, 0, 0, 0, 1, 0, 0, 0};   // row 1 of a batch of two

    @Test
    void theMostFrequentNeighbourCaptionWinsWhenItOccursOftenEnough() {
        assertThat(sim.dedupCaption(x, 4, 0, 10, 3)).isEqualTo("a");
        assertThat(sim.dedupCaption(x, 4, 0, 4, 3)).isEqualTo("a");
    }

    @Test
    void otherwiseTheNearestImagesCaptionIsUsed() {
        assertThat(sim.dedupCaption(x, 4, 0, 10, 4)).as("a occurs 3 < 4 times").isEqualTo("b");
        assertThat(sim.dedupCaption(x, 4, 0, 2, 3)).as("only 2 neighbours looked at").isEqualTo("b");
        int[] near = new int[2];
        double[] sigma = new double[2];
        sim.nearest(x, 2, sigma, near);
        assertThat(near[1]).isEqualTo(0);
    }
}
