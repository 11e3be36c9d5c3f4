package dev.memscope.cli;

import dev.memscope.kernels.Backends;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick-look table: every op for every backend, labelled as not a benchmark (timings are not checked here). */
class ThroughputCommandTest {

    @Test
    void printsEveryOpForEveryAvailableBackend() {
        CliRun r = CliRun.of("throughput", "--batch", "1", "--warmup-ms", "0", "--measure-ms", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("QUICK LOOK (not a benchmark)").contains("JMH");
        for (String b : Backends.availableNames()) {
            assertThat(r.out()).contains(b);
        }
        for (String op : new String[] {"diffNorm", "guidanceAlignment", "pixelCosine", "globalCosine", "mse", "cfg",
                "amg", "ddimStep", "convert"}) {
            assertThat(r.out()).containsPattern("(?m)^" + op + ".*\\|.*[0-9]");
        }
    }

    @Test
    void rejectsAnEmptyBatch() {
        CliRun r = CliRun.of("throughput", "--batch", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--batch");
    }
}
