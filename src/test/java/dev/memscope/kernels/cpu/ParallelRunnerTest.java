package dev.memscope.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelRunnerTest {

    @Test
    void everyChunkRunsExactlyOnceAcrossManyCalls() {
        try (ParallelRunner runner = new ParallelRunner(3)) {
            for (int call = 0; call < 500; call++) {
                int n = 1 + call % 37;
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                runner.run(n, hits::incrementAndGet);
                for (int i = 0; i < n; i++) {
                    assertThat(hits.get(i)).as("call %d chunk %d", call, i).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void aFailingChunkIsReportedToTheCallerAndTheRunnerStaysUsable() {
        try (ParallelRunner runner = new ParallelRunner(2)) {
            assertThatThrownBy(() -> runner.run(64, i -> {
                if (i == 40) {
                    throw new IllegalStateException("chunk 40 failed");
                }
            })).hasMessageContaining("chunk 40");
            AtomicIntegerArray hits = new AtomicIntegerArray(8);
            runner.run(8, hits::incrementAndGet);
            for (int i = 0; i < 8; i++) {
                assertThat(hits.get(i)).isEqualTo(1);
            }
        }
    }
}
