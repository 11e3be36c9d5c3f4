package dev.memscope.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.model.RecordedNoise;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelSpecTest {
    @Test
    void parsesEveryForm() {
        assertThat(ModelSpec.parse("lab")).isEqualTo(ModelSpec.LAB);
        assertThat(ModelSpec.parse("testbed")).isEqualTo(new ModelSpec(ModelSpec.Kind.TESTBED, null));
        assertThat(ModelSpec.parse("testbed:/x/y")).isEqualTo(new ModelSpec(ModelSpec.Kind.TESTBED, Path.of("/x/y")));
        assertThat(ModelSpec.parse("ONNX:sd")).isEqualTo(new ModelSpec(ModelSpec.Kind.ONNX, Path.of("sd")));
        assertThat(ModelSpec.parse("replay:r:2").dir()).isEqualTo(Path.of("r:2"));
        assertThat(ModelSpec.parse("onnx:sd").toString()).isEqualTo("onnx:sd");
    }

    @Test
    void badValuesNameTheValue() {
        assertThatThrownBy(() -> ModelSpec.parse("gpt")).hasMessageContaining("'gpt'")
                .hasMessageContaining("lab, testbed[:DIR], onnx:DIR or replay:DIR");
        assertThatThrownBy(() -> ModelSpec.parse("onnx")).hasMessageContaining("onnx:DIR");
        assertThatThrownBy(() -> ModelSpec.parse("replay:")).hasMessageContaining("no folder");
        assertThatThrownBy(() -> ModelSpec.parse("lab:x")).hasMessageContaining("takes no folder");
    }

    @Test
    void detectorChoiceFollowsCapabilities() {
        Capabilities lab = new Capabilities(true, Optional.empty(), false);
        Capabilities onnx = new Capabilities(false, Optional.empty(), false);
        Capabilities replay = new Capabilities(false,
                Optional.of(new RecordedNoise.Recorded(Set.of(981, 41), 0, Double.NaN, 1)), false);
        assertThat(DetectorChoice.choose("sharpness", false, lab).detector().name()).isEqualTo("sharpness");
        DetectorChoice.Choice fd = DetectorChoice.choose("Sharpness", false, onnx);
        assertThat(fd.detector().name()).isEqualTo("sharpness-fd");
        assertThat(fd.note()).contains("sharpness-fd");
        DetectorChoice.Choice rs = DetectorChoice.choose("sharpness", false, replay);
        assertThat(rs.runs()).isFalse();
        assertThat(rs.requested()).isEqualTo("sharpness");
        assertThat(rs.skipped()).contains("needs exact Jacobian-vector products");
        assertThat(DetectorChoice.choose("anisotropy", false, replay).detector().cost().imagesPerPrompt())
                .isEqualTo(1);
        assertThat(DetectorChoice.choose("carlini", true, onnx).detector().cost().imagesPerPrompt()).isEqualTo(4);
    }
}
