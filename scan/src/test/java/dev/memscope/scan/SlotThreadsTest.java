package dev.memscope.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlotThreadsTest {

    @Test
    void autoSharesTheCoresAmongLocalSlots() {
        assertThat(SlotThreads.resolve("auto", "local[1]", 8)).isEqualTo(8);
        assertThat(SlotThreads.resolve("auto", "local[2]", 8)).isEqualTo(4);
        assertThat(SlotThreads.resolve("auto", "local[3]", 8)).isEqualTo(2);
        assertThat(SlotThreads.resolve("auto", "local[*]", 8)).isEqualTo(1);
        assertThat(SlotThreads.resolve("auto", "local[16]", 8)).isEqualTo(1);
        assertThat(SlotThreads.resolve("auto", "local", 8)).isEqualTo(8);
        assertThat(SlotThreads.resolve("auto", "local[4, 2]", 8)).isEqualTo(2);
    }

    @Test
    void autoIsOneThreadPerSlotOnACluster() {
        assertThat(SlotThreads.resolve("auto", "spark://127.0.0.1:7077", 8)).isEqualTo(1);
    }

    @Test
    void aNumberIsTakenAsGivenAndNonsenseIsRefused() {
        assertThat(SlotThreads.resolve("3", "local[*]", 8)).isEqualTo(3);
        assertThatThrownBy(() -> SlotThreads.resolve("0", "local[*]", 8)).hasMessageContaining("--threads-per-slot");
        assertThatThrownBy(() -> SlotThreads.resolve("two", "local[*]", 8)).hasMessageContaining("'two'");
    }
}
