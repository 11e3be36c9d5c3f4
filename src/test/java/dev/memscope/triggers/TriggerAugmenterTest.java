package dev.memscope.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Algorithm 2 on the word-count denoiser: variants keep D above the threshold, grouped by edit distance. */
class TriggerAugmenterTest {
    private static final List<String> CORPUS = List.of("gold star mug", "silver star mug", "gold moon card",
            "red apple poster", "blue moon sticker", "tiny gold ring");

    @Test
    void keepsOnlyVariantsAtOrAboveTheThresholdAndStopsWhenNothingNewComes() throws Exception {
        try (ScoreKernels k = Backends.create("cpu")) {
            GuidanceScore d = new GuidanceScore(new WordCountDenoiser(), k, 4, 1);
            // trigger D = (2 gold)^2 x 4 = 16; threshold 16: a variant must keep both "gold"s or add one
            TriggerAugmenter.Result r = new TriggerAugmenter(new BigramSlotModel(CORPUS), d, Set.of())
                    .augment("gold gold mug", 8, 1.5, Double.NaN, 1.0, 3, 40, 9, p -> { });
            assertThat(r.triggerD()).isEqualTo(16.0);
            assertThat(r.threshold()).isEqualTo(16.0);
            assertThat(r.variants()).isNotEmpty();
            for (TriggerAugmenter.Variant v : r.variants()) {
                assertThat(v.d()).isGreaterThanOrEqualTo(16.0);
                assertThat(v.prompt().split(" ")).filteredOn("gold"::equals).hasSizeGreaterThanOrEqualTo(2);
                assertThat(r.byEditDistance().get(v.editDistance())).contains(v);
            }
            assertThat(r.stoppedEarly()).isTrue();
            assertThat(r.iterations()).isLessThan(40);
            assertThat(r.passes()).isEqualTo(d.passes() - 1);   // the unconditional pass came before
        }
    }
}
