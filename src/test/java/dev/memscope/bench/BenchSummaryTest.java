package dev.memscope.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The text tables of {@code bench summary}, checked against numbers worked by hand from the JMH files. */
class BenchSummaryTest {

    private static List<JmhResult> read(String... names) throws Exception {
        List<JmhResult> all = new ArrayList<>();
        for (String n : names) {
            all.addAll(JmhResults.read(Path.of("src/test/resources/bench/" + n)));
        }
        return all;
    }

    @Test
    void kernelRowsShowMedianMicrosAndCompulsoryGigabytesPerSecond() throws Exception {
        List<String> lines = BenchSummary.lines(read("kernels.json"));
        // amg reads 4 tensors and writes 1: 5 x 64 x 16384 floats x 4 bytes in a median of 190.633 us = 110.0 GB/s
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("amg +cpu +64 +190\\.63 +110\\.0 +\\S+"));
        assertThat(lines.get(0)).startsWith("op").contains("GB/s").contains("alloc B/op");
        assertThat(lines).hasSize(2 + 16);
    }

    @Test
    void detectorRowsShowTimePerPromptInTheirOwnTable() throws Exception {
        List<String> lines = BenchSummary.lines(read("detectors.json", "kernels.json"));
        assertThat(lines.get(0)).startsWith("detector");
        // 1.2610689 ms per prompt, 793.0 prompts per second
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("anisotropy +cpu +64 +1\\.261 +793\\.0"));
        int blank = lines.indexOf("");
        assertThat(blank).isEqualTo(2 + 4);
        assertThat(lines.get(blank + 1)).startsWith("op");
    }
}
