package dev.memscope.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Charts and page from trimmed real JMH runs (src/test/resources/bench, copied from jmh/results). */
class BenchReportTest {

    @TempDir
    Path out;

    private static List<JmhResult> read(String... names) throws IOException, URISyntaxException {
        List<JmhResult> all = new ArrayList<>();
        for (String n : names) {
            all.addAll(JmhResults.read(Path.of(BenchReportTest.class.getResource("/bench/" + n).toURI())));
        }
        return all;
    }

    @Test
    void kernelGbpsIsCompulsoryBytesOverTheMedianTime() throws Exception {
        BenchReport report = new BenchReport(read("kernels.json"), List.of("kernels.json"), Double.NaN);
        BenchReport.KernelRow cpu = report.kernelRows().stream()
                .filter(r -> r.op().equals("diffNorm") && r.backend().equals("cpu")).findFirst().orElseThrow();
        // 8 MiB (two [64, 4, 64, 64] float32 tensors) in the file's median of 52.607 us.
        assertThat(cpu.gbps()).isCloseTo(8.0 * 1024 * 1024 / 52.60708796053322e-6 / 1e9, within(1e-9));
        assertThat(cpu.gbps()).isCloseTo(159.46, within(0.01));
    }

    @Test
    void writesOneSectionAndChartPerSuitePresent() throws Exception {
        List<Path> files = new BenchReport(read("kernels.json", "fused.json", "lab.json", "detectors.json"),
                List.of("k", "f", "l", "d"), 20).write(out);
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "kernels-gbps-batch64.png", "lab-gflops.png", "detector-speedup.png", "report.md");
        for (Path p : files.subList(0, 3)) {
            BufferedImage img = ImageIO.read(p.toFile());
            assertThat(img.getWidth()).as(p.toString()).isEqualTo(1600);
        }
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("![GB/s per kernel and backend, batch 64](kernels-gbps-batch64.png)")
                .contains("measured bandwidth 20.0 GB/s")
                // the fused run's cpu row collides with KernelBench's cpu row: kept apart, table only
                .contains("cpu (FusedVsComposedBench)").contains("in the table, not the chart")
                .contains("![GFLOP/s of the lab forward per backend](lab-gflops.png)")
                // gflop counter as JMH wrote it for forward on cpu
                .containsPattern("\\| forward +\\| backend=cpu,batch=64,components=2048,dim=16384 +\\| +14\\.92 \\| +128\\.2 \\|")
                .contains("![Detector speed-up over wen-full](detector-speedup.png)")
                // wen-full 55.2035 ms / anisotropy 1.2568 ms per prompt = 43.9x
                .containsPattern("\\| anisotropy +\\| backend=cpu,batch=64 +\\| +1\\.26 \\| +43\\.9x \\|")
                .doesNotContain("Other benchmarks");
    }

    @Test
    void collidingRowsKeepKernelBenchPlainAndNameTheOthersBySuiteThenFile() throws Exception {
        Path copy = out.resolve("fused2.json");
        Files.copy(Path.of(getClass().getResource("/bench/fused.json").toURI()), copy);
        List<JmhResult> rs = new ArrayList<>(read("fused.json"));
        rs.addAll(JmhResults.read(copy));
        rs.addAll(read("kernels.json"));
        List<String> cpuGuidance = new BenchReport(rs, List.of(), Double.NaN).kernelRows().stream()
                .filter(r -> r.op().equals("guidanceAlignment") && r.backend().startsWith("cpu"))
                .map(BenchReport.KernelRow::backend).toList();
        assertThat(cpuGuidance).containsExactly("cpu", "cpu (FusedVsComposedBench)",
                "cpu (FusedVsComposedBench, fused2.json)");
        assertThatThrownBy(() -> new BenchReport(List.of(rs.get(0), rs.get(0), rs.get(0), rs.get(0)), List.of(), Double.NaN)
                .kernelRows()).hasMessageContaining("given twice");
    }

    @Test
    void labRunsOfTwoFilesOrShapesStayApartAndPartialBackendsAreTableOnly() throws Exception {
        Path copy = out.resolve("lab2.json");
        Files.copy(Path.of(getClass().getResource("/bench/lab.json").toURI()), copy);
        List<JmhResult> rs = new ArrayList<>(read("lab.json"));
        rs.addAll(JmhResults.read(copy).stream().filter(r -> r.method().equals("forward")).toList());
        Path dir = out.resolve("r");
        new BenchReport(rs, List.of(), Double.NaN).write(dir);
        assertThat(dir.resolve("lab-gflops.png")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("report.md")))
                .contains("cpu (lab2.json), nd4j (lab2.json) timed on only some benchmarks");
    }

    @Test
    void onlySuitesInTheInputGetCharts() throws Exception {
        List<Path> files = new BenchReport(read("detectors.json"), List.of("d"), Double.NaN).write(out);
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("detector-speedup.png", "report.md");
        assertThat(Files.readString(out.resolve("report.md"))).doesNotContain("Kernels").doesNotContain("Lab forward");
    }

    @Test
    void badBandwidthOrNoResultsAreRefused() throws Exception {
        List<JmhResult> rs = read("detectors.json");
        assertThatThrownBy(() -> new BenchReport(rs, List.of(), -1)).hasMessageContaining("--bandwidth");
        assertThatThrownBy(() -> new BenchReport(List.of(), List.of(), Double.NaN)).hasMessageContaining("no benchmark");
    }
}
