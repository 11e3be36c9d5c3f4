package dev.memscope.model.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabWorldTest {
    @TempDir
    Path dir;

    @Test
    void worldHasOneComponentPerPromptPlusGenerics() {
        LabWorld w = SmallWorlds.world();
        assertThat(w.components()).isEqualTo(4 + 4 + 24);
        assertThat(w.indicesOf(LabWorld.Kind.MEMORIZED)).containsExactly(0, 1, 2, 3);
        assertThat(w.captions().subList(0, 4)).isEqualTo(SmallWorlds.MEM);
        for (int i : w.indicesOf(LabWorld.Kind.MEMORIZED)) {
            assertThat(w.sigma2()[i]).isEqualTo(w.config().getDouble("memSigma2"));
            assertThat(w.counts()[i]).isGreaterThanOrEqualTo(w.config().getDouble("duplicateMin"));
        }
        assertThat(w.sigma2()[5]).isEqualTo(w.config().getDouble("broadSigma2"));
    }

    @Test
    void zeroComponentsIsAnError() {
        LabConfig c = SmallWorlds.config().with("genericComponents", 0);
        assertThatThrownBy(() -> LabWorld.build(c, List.of(), List.of())).hasMessageContaining("K = 0");
    }

    @Test
    void explicitWorldRejectsNegativeVarianceNaming() {
        assertThatThrownBy(() -> new LabWorld(LabConfig.defaults(), 1, 1, 2, 1.0, new float[4],
                new double[] {1, -0.5}, new double[] {1, 1}, new float[] {1, 0, 0, 1}, List.of("a", "b"),
                new LabWorld.Kind[] {LabWorld.Kind.GENERIC, LabWorld.Kind.GENERIC}))
                .hasMessageContaining("component 1 ('b')").hasMessageContaining("sigma2").hasMessageContaining("-0.5");
        assertThatThrownBy(() -> new LabWorld(LabConfig.defaults(), 1, 1, 2, 1.0, new float[] {0, Float.NaN},
                new double[] {1}, new double[] {1}, new float[] {1, 0}, List.of("a"),
                new LabWorld.Kind[] {LabWorld.Kind.GENERIC})).hasMessageContaining("component 0").hasMessageContaining("NaN");
    }

    @Test
    void configErrorsNameKeyFileAndLine() throws Exception {
        assertThatThrownBy(() -> LabConfig.defaults().with("memSigma2", -1)).hasMessageContaining("memSigma2")
                .hasMessageContaining("> 0");
        assertThatThrownBy(() -> LabConfig.defaults().with("beta", "NaN")).hasMessageContaining("beta")
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> LabConfig.defaults().with("betta", 1)).hasMessageContaining("unknown key");
        Path f = dir.resolve("lab.json");
        Files.writeString(f, "{\n  \"beta\": 10,\n  \"broadSigma2\": -2\n}\n");
        assertThatThrownBy(() -> LabConfig.read(f)).hasMessageContaining(f + ":3").hasMessageContaining("broadSigma2");
        Files.writeString(f, "{\n  \"embeddingNoise\": Infinity\n}\n");
        assertThatThrownBy(() -> LabConfig.read(f)).hasMessageContaining(f + ":2")
                .hasMessageContaining("embeddingNoise").hasMessageContaining("finite");
        Files.writeString(f, "{\n  \"beta\": 10,\n  \"seed\": 3\n}\n");
        LabConfig ok = LabConfig.read(f);
        assertThat(ok.getDouble("beta")).isEqualTo(10.0);
        assertThat(ok.getLong("seed")).isEqualTo(3L);
    }
}
