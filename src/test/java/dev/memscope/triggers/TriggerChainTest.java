package dev.memscope.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Algorithm 1 on a denoiser whose D is known: climbs to the maximum, counts passes, resumes exactly. */
class TriggerChainTest {
    private static final List<String> CORPUS = List.of("gold star mug", "silver star mug", "gold moon card",
            "red apple poster", "blue moon sticker", "tiny gold ring");

    @TempDir
    Path dir;

    private static ChainConfig config(int iterations) {
        return new ChainConfig(5, 3, iterations, 4, 1.0, 0.1, 20240);
    }

    @Test
    void findsTheMaximumAndCountsOnePassPerCandidate() throws Exception {
        WordCountDenoiser m = new WordCountDenoiser();
        try (ScoreKernels k = Backends.create("cpu")) {
            GuidanceScore d = new GuidanceScore(m, k, 3, 1);
            TriggerChain c = TriggerChain.openOrStart(config(30), null);
            long[] heard = {0};
            c.run(new BigramSlotModel(CORPUS), d, Set.of(), p -> heard[0] += p);
            assertThat(c.bestPrompt()).isEqualTo("gold gold gold");
            assertThat(c.bestD()).isEqualTo(9.0 * 4);   // 3 "gold" -> eps_c - eps_u = 3 on 4 elements
            // 1 unconditional + 1 initial + 4 per iteration
            assertThat(m.passes).isEqualTo(2 + 4 * 30).isEqualTo(d.passes());
            assertThat(heard[0]).isEqualTo(1 + 4 * 30);
            double prev = Double.NEGATIVE_INFINITY;
            for (TriggerChain.Step s : c.history()) {
                assertThat(s.bestD()).isGreaterThanOrEqualTo(prev);
                prev = s.bestD();
            }
        }
    }

    @Test
    void aResumedChainEndsWhereAnUninterruptedOneDoes() throws Exception {
        try (ScoreKernels k = Backends.create("cpu")) {
            BigramSlotModel lm = new BigramSlotModel(CORPUS);
            Path whole = dir.resolve("whole.json");
            TriggerChain a = TriggerChain.openOrStart(config(8), whole);
            a.run(lm, new GuidanceScore(new WordCountDenoiser(), k, 3, 1), Set.of(), p -> { });

            Path split = dir.resolve("split.json");
            TriggerChain b1 = TriggerChain.openOrStart(config(3), split);
            b1.run(lm, new GuidanceScore(new WordCountDenoiser(), k, 3, 1), Set.of(), p -> { });
            // the state file says 3 iterations of 3 were done; a chain of 8 iterations must refuse it ...
            assertThatThrownBy(() -> TriggerChain.openOrStart(config(8), split))
                    .hasMessageContaining("chain setting iterations is 3 in the state file but 8 now");
            // ... so rewrite its iteration target as a run killed after 3 of 8 would have left it
            Files.writeString(split, Files.readString(split).replace("\"iterations\" : 3", "\"iterations\" : 8"));
            TriggerChain b2 = TriggerChain.openOrStart(config(8), split);
            assertThat(b2.iterationsDone()).isEqualTo(3);
            b2.run(lm, new GuidanceScore(new WordCountDenoiser(), k, 3, 1), Set.of(), p -> { });
            assertThat(b2.history()).isEqualTo(a.history());
            assertThat(b2.bestPrompt()).isEqualTo(a.bestPrompt());
            assertThat(b2.passes()).isEqualTo(a.passes());
        }
    }

    @Test
    void aStateWhoseBestDIsNotWhatDGivesNowIsRefusedEvenBeforeItsFirstIteration() throws Exception {
        try (ScoreKernels k = Backends.create("cpu")) {
            BigramSlotModel lm = new BigramSlotModel(CORPUS);
            Path f = dir.resolve("other-model.json");
            TriggerChain a = TriggerChain.openOrStart(config(1), f);
            a.run(lm, new GuidanceScore(new WordCountDenoiser(), k, 3, 1), Set.of(), p -> { });
            // as a run on another model, killed after its initial sample, would have left it
            String other = Files.readString(f).replaceAll("(?s)\"history\" : \\[.*\\]", "\"history\" : [ ]")
                    .replace("\"iterationsDone\" : 1", "\"iterationsDone\" : 0")
                    .replaceAll("\"bestD\" : [-0-9.eE]+", "\"bestD\" : 1234.5");
            Files.writeString(f, other);
            TriggerChain b = TriggerChain.openOrStart(config(1), f);
            assertThat(b.iterationsDone()).isZero();
            assertThatThrownBy(() -> b.run(lm, new GuidanceScore(new WordCountDenoiser(), k, 3, 1), Set.of(),
                    p -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("other-model.json")
                    .hasMessageContaining("1234.5")
                    .hasMessageContaining("another model");
        }
    }

    @Test
    void aCorruptStateFileIsNamed() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"config\": ");
        assertThatThrownBy(() -> TriggerChain.openOrStart(config(2), f)).hasMessageContaining("bad.json");
    }
}
