package dev.memscope.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.detect.DetectionContext;
import dev.memscope.detect.Detector;
import dev.memscope.detect.Scores;
import dev.memscope.kernels.Backends;
import dev.memscope.kernels.ScoreKernels;
import dev.memscope.progress.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestbedSourceTest {
    @TempDir
    Path dir;

    private ModelSource open(Path testbed) throws Exception {
        return ModelSources.open(new ModelSpec(ModelSpec.Kind.TESTBED, testbed), null, "cpu", "cpu");
    }

    @Test
    void opensWithLabelsAndScores() throws Exception {
        Path tb = TestbedFixture.write(dir.resolve("testbed"));
        try (ModelSource s = open(tb); ScoreKernels k = Backends.create("cpu")) {
            PromptSets p = s.defaultPrompts(false);
            assertThat(p.positives()).containsExactly("The No Limits Business Woman Podcast",
                    "Living in the Light with Ann Graham Lotz, \"live\"");
            // the duplicated but not memorized caption is neither positive nor negative
            assertThat(p.negatives()).containsExactly("a red bicycle, leaning on a wall", "sunset over hills",
                    "a blue teapot on a table");
            CaptionLabel l = s.labels().get("Living in the Light with Ann Graham Lotz, \"live\"");
            assertThat(l).isEqualTo(new CaptionLabel("duplicated", "i2", 25, 0.7, true));
            assertThat(s.info().kind()).isEqualTo("testbed");
            assertThat(s.capabilities().exactJacobian()).isFalse();
            assertThat(s.allPrompts()).hasValueSatisfying(all -> assertThat(all).hasSize(6));

            Detector d = DetectorChoice.choose("sharpness", true, s.capabilities()).detector();
            assertThat(d.name()).isEqualTo("sharpness-fd");
            Scores sc = d.score(p.positives(), new DetectionContext(s.denoiser(), k, 8, Progress.NONE));
            assertThat(sc.values()).hasSize(2);
            assertThat(java.util.Arrays.stream(sc.values()).allMatch(v -> Double.isFinite(v) && v > 0)).isTrue();
        }
    }

    @Test
    void quickSubsetIsSeededAndCapped() {
        List<String> many = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "p" + i).toList();
        List<String> a = TestbedSource.quickSubset(many);
        assertThat(a).hasSize(TestbedSource.QUICK_PER_CLASS).isEqualTo(TestbedSource.quickSubset(many))
                .isNotEqualTo(many.subList(0, TestbedSource.QUICK_PER_CLASS));
        assertThat(TestbedSource.quickSubset(List.of("x", "y"))).containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void aWrongChecksumIsOneLineNamingTheFile() throws Exception {
        Path tb = TestbedFixture.write(dir.resolve("testbed"));
        Files.writeString(tb.resolve("onnx/merges.txt"), "\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> open(tb)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(tb.resolve("onnx/merges.txt").toString())
                .hasMessageContaining("does not match")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void theSharedUnetWeightsAreCheckedLikeEveryOtherFile() throws Exception {
        // unet.onnx and unet_vjp.onnx keep their tensors in onnx/unet.weights (scripts/testbed/share_weights.py):
        // a corrupt or missing weights file fails up front, naming it, not later inside ONNX Runtime
        Path models = Path.of("models", "testbed");
        java.util.List<String> listed = Files.readAllLines(models.resolve("SHA256SUMS"));
        assertThat(listed).anySatisfy(l -> assertThat(l).endsWith("  onnx/unet.weights"))
                .anySatisfy(l -> assertThat(l).endsWith("  onnx/unet_vjp.onnx"));
        Path tb = Files.createDirectories(dir.resolve("real"));
        Files.copy(models.resolve("SHA256SUMS"), tb.resolve("SHA256SUMS"));
        Files.copy(models.resolve("labels.csv"), tb.resolve("labels.csv"));
        Files.createDirectories(tb.resolve("onnx"));
        try (var files = Files.list(models.resolve("onnx"))) {
            for (Path f : files.toList()) {
                Files.copy(f, tb.resolve("onnx").resolve(f.getFileName()));
            }
        }
        Path weights = tb.resolve("onnx/unet.weights");
        byte[] b = Files.readAllBytes(weights);
        b[b.length / 2] ^= 1;
        Files.write(weights, b);
        assertThatThrownBy(() -> open(tb)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(weights + ": sha256").hasMessageContaining("does not match")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Files.delete(weights);
        assertThatThrownBy(() -> open(tb)).hasMessageContaining(weights + ": missing")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aMissingFileIsOneLineNamingIt() throws Exception {
        Path tb = TestbedFixture.write(dir.resolve("testbed"));
        Files.delete(tb.resolve("onnx/unet.onnx"));
        assertThatThrownBy(() -> open(tb)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(tb.resolve("onnx/unet.onnx") + ": missing")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Files.delete(tb.resolve("SHA256SUMS"));
        assertThatThrownBy(() -> open(tb)).hasMessageContaining(tb.resolve("SHA256SUMS") + ": missing");
    }

    @Test
    void badLabelsNameFileAndLine() throws Exception {
        Path f = dir.resolve("labels.csv");
        Files.writeString(f, "caption,role,item,copies,copy_rate,memorized\n\"a, b\",dup,i1,1,0.5,1\n");
        assertThatThrownBy(() -> TestbedLabels.read(f)).hasMessageContaining(f + ":2: role 'dup'");
        Files.writeString(f, "caption,role,item,copies,copy_rate,memorized\n\"multi\nline\",novel,i1,1,0.5,2\n");
        assertThatThrownBy(() -> TestbedLabels.read(f)).hasMessageContaining(f + ":2: memorized must be 0 or 1");
        Files.writeString(f, "caption,role\n");
        assertThatThrownBy(() -> TestbedLabels.read(f)).hasMessageContaining(f + ":1: header must be");
    }
}
