package dev.memscope.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Verdicts on crafted runs whose intervals and changes are chosen by hand on each side of the rules. */
class BenchComparisonTest {

    private static final double FIVE_PERCENT = 0.05;

    @TempDir
    Path dir;

    private BenchComparison compare(JmhJson base, JmhJson fresh, double threshold) throws IOException {
        return BenchComparison.compare(JmhResults.read(base.write(dir, "base.json")),
                JmhResults.read(fresh.write(dir, "new.json")), threshold);
    }

    private BenchComparison.Row only(BenchComparison c) {
        assertThat(c.rows()).hasSize(1);
        return c.rows().get(0);
    }

    @Test
    void overlappingIntervalsAreSameEvenWhenTheMeansMovedBeyondTheThreshold() throws IOException {
        // 100 +- 15 and 120 +- 10 overlap on [110, 115]: JMH cannot tell them apart, a 20 % move notwithstanding.
        BenchComparison.Row r = only(compare(new JmhJson().avgt("KernelBench.diffNorm", 100, 15),
                new JmhJson().avgt("KernelBench.diffNorm", 120, 10), FIVE_PERCENT));
        assertThat(r.change()).isCloseTo(0.20, within(1e-12));
        assertThat(r.verdict()).isEqualTo(Verdict.SAME);
    }

    @Test
    void aSeparatedIncreaseOfTimeBeyondTheThresholdIsSlower() throws IOException {
        BenchComparison c = compare(new JmhJson().avgt("KernelBench.diffNorm", 100, 1),
                new JmhJson().avgt("KernelBench.diffNorm", 120, 1), FIVE_PERCENT);
        assertThat(only(c).verdict()).isEqualTo(Verdict.SLOWER);
        assertThat(c.anySlower()).isTrue();
    }

    @Test
    void aSeparatedDecreaseOfTimeIsFaster() throws IOException {
        BenchComparison c = compare(new JmhJson().avgt("KernelBench.diffNorm", 100, 1),
                new JmhJson().avgt("KernelBench.diffNorm", 80, 1), FIVE_PERCENT);
        assertThat(only(c).verdict()).isEqualTo(Verdict.FASTER);
        assertThat(only(c).change()).isCloseTo(-0.20, within(1e-12));
        assertThat(c.anySlower()).isFalse();
    }

    @Test
    void aSignificantChangeSmallerThanTheThresholdIsSame() throws IOException {
        // 100 +- 0.1 vs 102 +- 0.1: clearly separated, but 2 % < 5 %; with a 1 % threshold it counts.
        JmhJson base = new JmhJson().avgt("KernelBench.mse", 100, 0.1);
        JmhJson fresh = new JmhJson().avgt("KernelBench.mse", 102, 0.1);
        assertThat(only(compare(base, fresh, FIVE_PERCENT)).verdict()).isEqualTo(Verdict.SAME);
        assertThat(only(compare(base, fresh, 0.01)).verdict()).isEqualTo(Verdict.SLOWER);
    }

    @Test
    void inThroughputModeHigherIsBetter() throws IOException {
        JmhJson base = new JmhJson().add("LabForwardBench.forward", "thrpt", "", 100, 1, "ops/s");
        assertThat(only(compare(base, new JmhJson().add("LabForwardBench.forward", "thrpt", "", 80, 1, "ops/s"),
                FIVE_PERCENT)).verdict()).isEqualTo(Verdict.SLOWER);
        assertThat(only(compare(base, new JmhJson().add("LabForwardBench.forward", "thrpt", "", 120, 1, "ops/s"),
                FIVE_PERCENT)).verdict()).isEqualTo(Verdict.FASTER);
    }

    @Test
    void timeUnitsAreConvertedBeforeComparing() throws IOException {
        // 100 us/op against 0.1 ms/op is no change; against 0.12 ms/op it is +20 %, shown in the base's unit.
        JmhJson base = new JmhJson().avgt("KernelBench.cfg", 100, 1);
        BenchComparison.Row same = only(compare(base,
                new JmhJson().add("KernelBench.cfg", "avgt", "\"batch\": \"64\"", 0.1, 0.001, "ms/op"), FIVE_PERCENT));
        assertThat(same.change()).isCloseTo(0, within(1e-12));
        assertThat(same.verdict()).isEqualTo(Verdict.SAME);
        BenchComparison.Row slower = only(compare(base,
                new JmhJson().add("KernelBench.cfg", "avgt", "\"batch\": \"64\"", 0.12, 0.001, "ms/op"), FIVE_PERCENT));
        assertThat(slower.unit()).isEqualTo("us/op");
        assertThat(slower.fresh()).isCloseTo(120, within(1e-9));
        assertThat(slower.freshError()).isCloseTo(1, within(1e-9));
        assertThat(slower.verdict()).isEqualTo(Verdict.SLOWER);
        // thrpt: 1 ops/ms = 1000 ops/s.
        BenchComparison.Row thrpt = only(compare(new JmhJson().add("X.y", "thrpt", "", 1000, 1, "ops/s"),
                new JmhJson().add("X.y", "thrpt", "", 1.5, 0.001, "ops/ms"), FIVE_PERCENT));
        assertThat(thrpt.change()).isCloseTo(0.5, within(1e-12));
        assertThat(thrpt.verdict()).isEqualTo(Verdict.FASTER);
    }

    @Test
    void differentModesForOneBenchmarkAreAnError() {
        assertThatThrownBy(() -> compare(new JmhJson().avgt("KernelBench.cfg", 100, 1),
                new JmhJson().add("KernelBench.cfg", "thrpt", "\"batch\": \"64\"", 0.01, 0.001, "ops/us"), FIVE_PERCENT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KernelBench.cfg batch=64").hasMessageContaining("avgt")
                .hasMessageContaining("thrpt").hasMessageContaining("base.json").hasMessageContaining("new.json");
    }

    @Test
    void missingBenchmarksAndNewParamsAreListedApart() throws IOException {
        JmhJson base = new JmhJson().avgt("KernelBench.cfg", 100, 1).avgt("KernelBench.mse", 100, 1)
                .add("KernelBench.amg", "avgt", "\"batch\": \"1\"", 10, 1, "us/op");
        JmhJson fresh = new JmhJson().avgt("KernelBench.cfg", 100, 1).avgt("KernelBench.ddimStep", 50, 1)
                .add("KernelBench.amg", "avgt", "\"batch\": \"256\"", 10, 1, "us/op");
        BenchComparison c = compare(base, fresh, FIVE_PERCENT);
        assertThat(c.rows()).extracting(BenchComparison.Row::key).containsExactly("KernelBench.cfg batch=64");
        assertThat(c.onlyInBase()).containsExactly("KernelBench.mse batch=64", "KernelBench.amg batch=1");
        assertThat(c.onlyInNew()).containsExactly("KernelBench.ddimStep batch=64");
        assertThat(c.newParams()).containsExactly("KernelBench.amg batch=256");
    }

    @Test
    void paramsMatchWhateverTheirOrderInTheFile() throws IOException {
        BenchComparison c = compare(
                new JmhJson().add("KernelBench.cfg", "avgt", "\"backend\": \"cpu\", \"batch\": \"64\"", 100, 1, "us/op"),
                new JmhJson().add("KernelBench.cfg", "avgt", "\"batch\": \"64\", \"backend\": \"cpu\"", 100, 1, "us/op"),
                FIVE_PERCENT);
        assertThat(only(c).key()).isEqualTo("KernelBench.cfg backend=cpu,batch=64");
    }

    @Test
    void withoutAnErrorEstimateTheIntervalIsThePointAndOnlyTheThresholdDecides() throws IOException {
        // JMH writes "NaN" for scoreError after a single iteration.
        JmhJson base = new JmhJson().avgt("KernelBench.cfg", 100, Double.NaN);
        List<JmhResult> read = JmhResults.read(base.write(dir, "nan.json"));
        assertThat(read.get(0).scoreError()).isNaN();
        assertThat(read.get(0).low()).isEqualTo(100);
        assertThat(read.get(0).high()).isEqualTo(100);
        assertThat(only(compare(base, new JmhJson().avgt("KernelBench.cfg", 120, Double.NaN), FIVE_PERCENT))
                .verdict()).isEqualTo(Verdict.SLOWER);
        assertThat(only(compare(base, new JmhJson().avgt("KernelBench.cfg", 102, Double.NaN), FIVE_PERCENT))
                .verdict()).isEqualTo(Verdict.SAME);
    }

    @Test
    void aMissingErrorFieldReadsLikeNaN() throws IOException {
        Path f = java.nio.file.Files.writeString(dir.resolve("bare.json"), "[{\"benchmark\": \"a.B.c\", \"mode\": "
                + "\"avgt\", \"primaryMetric\": {\"score\": 5.0, \"scoreUnit\": \"ns/op\"}}]");
        JmhResult r = JmhResults.read(f).get(0);
        assertThat(r.scoreError()).isNaN();
        assertThat(r.low()).isEqualTo(5.0);
        assertThat(r.params()).isEmpty();
        assertThat(r.key()).isEqualTo("B.c");
    }

    @Test
    void aNegativeThresholdIsRefused() {
        assertThatThrownBy(() -> compare(new JmhJson().avgt("a.B.c", 1, 0.1), new JmhJson().avgt("a.B.c", 1, 0.1), -0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
    }

    /** Issue 14 B.6: scores <= 0 and inverted intervals were compared as if they were timings. */
    @Test
    void nonPositiveScoresAndInvertedIntervalsAreRefusedNamingFileAndBenchmark() throws IOException {
        JmhJson ok = new JmhJson().avgt("KernelBench.diffNorm", 100, 1);
        assertThatThrownBy(() -> compare(ok, new JmhJson().avgt("KernelBench.diffNorm", -5, 1), FIVE_PERCENT))
                .hasMessageContaining("new.json").hasMessageContaining("KernelBench.diffNorm")
                .hasMessageContaining("score -5.0");
        assertThatThrownBy(() -> compare(new JmhJson().avgt("KernelBench.diffNorm", 0, 0), ok, FIVE_PERCENT))
                .hasMessageContaining("base.json").hasMessageContaining("> 0");
        // error -3 writes the interval [103, 97]: inverted
        assertThatThrownBy(() -> compare(ok, new JmhJson().avgt("KernelBench.diffNorm", 100, -3), FIVE_PERCENT))
                .hasMessageContaining("inverted confidence interval [103.0, 97.0]");
    }

    @Test
    void noBenchmarkInCommonIsAnError() throws IOException {
        assertThatThrownBy(() -> compare(new JmhJson().avgt("KernelBench.diffNorm", 100, 1),
                new JmhJson().avgt("KernelBench.dot", 100, 1), FIVE_PERCENT))
                .hasMessageContaining("no benchmark in common").hasMessageContaining("KernelBench.diffNorm batch=64");
    }
}
