package dev.memscope.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BigramSlotModelTest {
    private static final List<String> CORPUS = List.of("vintage apple mug", "vintage apple poster",
            "retro rocket mug", "a red apple on a blue background");

    @Test
    void interpolatedBigramProbabilitiesByHand() {
        BigramSlotModel m = new BigramSlotModel(CORPUS);
        // 16 tokens, 11 types: P1(apple) = (3 + 1) / (16 + 11 + 1); c(vintage) = 2, c(vintage, apple) = 2
        double p1 = 4.0 / 28;
        assertThat(m.probability("vintage", "apple")).isCloseTo(0.8 * 1.0 + 0.2 * p1, within(1e-15));
        // an unseen context falls back on the unigram
        assertThat(m.probability("zebra", "apple")).isCloseTo(p1, within(1e-15));
        assertThat(m.vocabulary()).isEqualTo(11);
    }

    @Test
    void aLowTemperatureProposesTheTopWordsAndNeverABannedOne() {
        BigramSlotModel m = new BigramSlotModel(CORPUS);
        List<String> prompt = List.of("vintage", "XXX", "mug");
        double[] s = m.slotLogScores(prompt, 1);
        List<String> top = m.propose(prompt, 1, 1, 1e-3, Set.of(), new Random(1));
        assertThat(top).containsExactly("apple");   // after "vintage", before "mug": apple, by far
        List<String> banned = m.propose(prompt, 1, 11, 1e-3, Set.of("apple", "a"), new Random(1));
        assertThat(banned).hasSize(9).doesNotContain("apple", "a");
        assertThat(new HashSet<>(banned)).hasSize(9);
        assertThat(s).hasSize(11);
    }

    @Test
    void proposalsAreReproducibleForASeedAndBadArgumentsAreRefused() {
        BigramSlotModel m = new BigramSlotModel(CORPUS);
        List<String> p = List.of("retro", "apple", "mug");
        assertThat(m.propose(p, 0, 5, 1.5, Set.of(), new Random(7)))
                .isEqualTo(m.propose(p, 0, 5, 1.5, Set.of(), new Random(7)));
        assertThatThrownBy(() -> m.propose(p, 3, 5, 0.1, Set.of(), new Random(1))).hasMessageContaining("slot 3");
        assertThatThrownBy(() -> m.propose(p, 0, 5, 0, Set.of(), new Random(1))).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new BigramSlotModel(List.of("  "))).hasMessageContaining("caption 1");
    }

    @Test
    void softmaxDrawsFollowTheProbabilities() {
        double[] p = Softmax.probabilities(new double[] {1.0, 1.1, 0.5}, 0.1);
        double z = 1 + Math.exp(-1) + Math.exp(-6);   // (s - 1.1) / 0.1 = -1, 0, -6
        assertThat(p[1]).isCloseTo(1 / z, within(1e-15));
        assertThat(p[0]).isCloseTo(Math.exp(-1) / z, within(1e-15));
        int[] hits = new int[3];
        Random r = new Random(3);
        for (int i = 0; i < 20000; i++) {
            hits[Softmax.draw(new double[] {1.0, 1.1, 0.5}, 0.1, r)]++;
        }
        assertThat(hits[1] / 20000.0).isCloseTo(p[1], within(0.01));
        assertThatThrownBy(() -> Softmax.probabilities(new double[] {1, Double.NaN}, 0.1))
                .hasMessageContaining("non-finite");
    }

    @Test
    void wordEditDistance() {
        assertThat(TriggerAugmenter.editDistance(List.of("a", "b", "c"), List.of("a", "x", "c"))).isEqualTo(1);
        assertThat(TriggerAugmenter.editDistance(List.of("a", "b", "c"), List.of("b", "c"))).isEqualTo(1);
        assertThat(TriggerAugmenter.editDistance(List.of("a", "b"), List.of("c", "d", "e"))).isEqualTo(3);
    }
}
