package dev.memscope.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** 1 - cosine of embeddings, against values worked by hand; each image embedded once. */
class EmbeddingDistanceTest {

    @Test
    void isOneMinusCosineAndEmbedsEachImageOnce() {
        AtomicInteger calls = new AtomicInteger();
        // the "embedding" of an image is its first two values
        EmbeddingDistance d = new EmbeddingDistance(img -> {
            calls.incrementAndGet();
            return new float[] {img[0], img[1]};
        });
        float[] a = {1, 0, 9};
        float[] b = {1, 1, 9};
        float[] c = {-2, 0, 9};
        assertThat(d.between(a, a)).isCloseTo(0, within(1e-12));
        assertThat(d.between(a, b)).isCloseTo(1 - 1 / Math.sqrt(2), within(1e-12));
        assertThat(d.between(a, c)).isCloseTo(2, within(1e-12));
        assertThat(d.between(b, c)).isCloseTo(1 + 1 / Math.sqrt(2), within(1e-12));
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aZeroOrNonFiniteEmbeddingIsRefused() {
        EmbeddingDistance zero = new EmbeddingDistance(img -> new float[] {0, 0});
        assertThatThrownBy(() -> zero.between(new float[1], new float[1])).hasMessageContaining("norm 0");
        EmbeddingDistance nan = new EmbeddingDistance(img -> new float[] {Float.NaN, 1});
        assertThatThrownBy(() -> nan.between(new float[1], new float[1])).hasMessageContaining("NaN at element 0");
    }
}
