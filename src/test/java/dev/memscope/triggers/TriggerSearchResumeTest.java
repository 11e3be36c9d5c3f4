package dev.memscope.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.copy.CopyJudge;
import dev.memscope.copy.ImageDistance;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.model.Denoiser;
import dev.memscope.progress.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumed search reuses a chain's stored copy check only when the check's settings are the same: a run that
 * clusters with another distance (`--cluster-distance rms` on the state of an embedding run) must re-cluster. Before
 * the check recorded its settings, such a run silently reported the first run's clusters (measured 2026-12-05: the
 * rms run "finished" in 2 s). Oracle: the distance is called only when the check is computed. A state made on
 * another model is refused: its stored best D no longer matches.
 */
class TriggerSearchResumeTest {
    private static final List<String> CORPUS = List.of("old item seven", "new item seven", "old item eight",
            "a concept");

    @TempDir
    Path dir;

    /** The colour-normalised RMS distance, counting its calls; a named class, so its settings are stable. */
    static final class CountingDistance implements ImageDistance {
        private final ImageDistance inner;
        int calls;

        CountingDistance(ImageDistance inner) {
            this.inner = inner;
        }

        @Override
        public double between(float[] a, float[] b) {
            calls++;
            return inner.between(a, b);
        }
    }

    private static List<TriggerSearch.ChainResult> search(ScoreKernels k, CopyJudge judge, ImageDistance distance,
                                                          double eps, Path state) throws Exception {
        return search(k, judge, distance, eps, state, new VariantCopyFilterTest.TargetDenoiser());
    }

    private static List<TriggerSearch.ChainResult> search(ScoreKernels k, CopyJudge judge, ImageDistance distance,
                                                          double eps, Path state, Denoiser model)
            throws Exception {
        CopyCheck check = new CopyCheck(model, k, judge, distance, eps, 4, 8, CopyCheck.DEFAULT_SEED);
        TriggerSearch s = new TriggerSearch(new BigramSlotModel(CORPUS), new GuidanceScore(model, k, 4, 1), check,
                Set.of(), Set.of(7), state);
        return s.run(1, new ChainConfig(3, 3, 2, 2, 1.0, 0.1, 20240), Progress.NONE);
    }

    @Test
    void aCheckIsReusedOnlyUnderTheSameSettings() throws Exception {
        CopyJudge judge = VariantCopyFilterTest.judge();
        Path state = dir.resolve("state");
        try (ScoreKernels k = Backends.create("cpu")) {
            CountingDistance first = new CountingDistance(judge.distance());
            List<TriggerSearch.ChainResult> a = search(k, judge, first, judge.tau(), state);
            assertThat(first.calls).as("the first run checks").isPositive();
            assertThat(Files.readString(state.resolve("chain-000-check.json"))).contains(check(judge).settings());

            CountingDistance same = new CountingDistance(judge.distance());
            List<TriggerSearch.ChainResult> b = search(k, judge, same, judge.tau(), state);
            assertThat(same.calls).as("same settings: the stored check is reused").isZero();
            assertThat(b.get(0).check()).isEqualTo(a.get(0).check());

            CountingDistance otherEps = new CountingDistance(judge.distance());
            search(k, judge, otherEps, 2 * judge.tau(), state);
            assertThat(otherEps.calls).as("another eps: re-clustered").isPositive();

            CountingDistance afterwards = new CountingDistance(judge.distance());
            search(k, judge, afterwards, 2 * judge.tau(), state);
            assertThat(afterwards.calls).as("the re-check was stored under its own settings").isZero();

            int[] plain = {0};
            search(k, judge, (x, y) -> {
                plain[0]++;
                return judge.distance().between(x, y);
            }, 2 * judge.tau(), state);
            assertThat(plain[0]).as("another distance (class): re-clustered").isPositive();
        }
    }

    @Test
    void aStateMadeOnAnotherModelIsRefused() throws Exception {
        CopyJudge judge = VariantCopyFilterTest.judge();
        Path state = dir.resolve("state");
        try (ScoreKernels k = Backends.create("cpu")) {
            List<TriggerSearch.ChainResult> a = search(k, judge, judge.distance(), judge.tau(), state);
            String best = a.get(0).prompt();
            assertThat(search(k, judge, judge.distance(), judge.tau(), state).get(0).prompt())
                    .as("the same model resumes").isEqualTo(best);
            Denoiser other = new VariantCopyFilterTest.TargetDenoiser(true);
            assertThatThrownBy(() -> search(k, judge, judge.distance(), judge.tau(), state, other))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("chain-000.json")
                    .hasMessageContaining("another model");
        }
    }

    private static CopyCheck check(CopyJudge judge) {
        return new CopyCheck(new VariantCopyFilterTest.TargetDenoiser(), null, judge,
                new CountingDistance(judge.distance()), judge.tau(), 4, 8, CopyCheck.DEFAULT_SEED);
    }
}
