package dev.memscope.golden;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A broken manifest is reported with the manifest, the case and the problem, before anything runs. */
class GoldenManifestTest {
    private static final Set<String> TWO = Set.of("hw1-diffNorm", "hw1-cfg");

    @Test
    void readsTheCommittedManifest() throws IOException {
        GoldenManifest m = GoldenManifest.load(GoldenFixtures.goldenDir());
        assertThat(m.cases()).hasSizeGreaterThan(100);
        GoldenCase cfg = m.cases().stream().filter(c -> c.name().equals("sd2-cfg")).findFirst().orElseThrow();
        assertThat(cfg.inputs()).extracting(GoldenCase.Input::name).containsExactly("eps_u", "eps_c");
        assertThat(cfg.params()).containsEntry("scale", "7.5,1.5");
        assertThat(cfg.outputShape()).containsExactly(2, 4, 64, 64);
        assertThat(cfg.tolerance().perSample()).isTrue();
    }

    @Test
    void unknownOpNamesTheCase(@TempDir Path dir) throws IOException {
        GoldenFixtures.copyCases(dir, TWO, c -> {
            if (c.get("name").asText().equals("hw1-cfg")) {
                c.put("op", "cfgg");
            }
        }, (name, v) -> { });
        assertThatThrownBy(() -> GoldenManifest.load(dir)).isInstanceOf(GoldenFormatException.class)
                .hasMessageContaining("manifest.json").hasMessageContaining("case 'hw1-cfg'")
                .hasMessageContaining("unknown kernel op 'cfgg'");
    }

    @Test
    void missingFileNamesTheCaseAndTheFile(@TempDir Path dir) throws IOException {
        GoldenFixtures.copyCases(dir, TWO, c -> { }, (name, v) -> { });
        Files.delete(dir.resolve("expected/hw1-diffNorm.npy"));
        assertThatThrownBy(() -> GoldenManifest.load(dir))
                .hasMessageContaining("case 'hw1-diffNorm'").hasMessageContaining("expected/hw1-diffNorm.npy")
                .hasMessageContaining("does not exist");
    }

    @Test
    void wrongInputNamesAndAtolLengthsNameTheCase(@TempDir Path dir) throws IOException {
        GoldenFixtures.copyCases(dir, TWO, c -> {
            if (c.get("name").asText().equals("hw1-cfg")) {
                ((ObjectNode) c.get("inputs").get(1)).put("name", "eps_x");
            }
        }, (name, v) -> { });
        assertThatThrownBy(() -> GoldenManifest.load(dir)).hasMessageContaining("case 'hw1-cfg'")
                .hasMessageContaining("unknown input name 'eps_x'");

        GoldenFixtures.copyCases(dir, TWO, c -> {
            if (c.get("name").asText().equals("hw1-cfg")) {
                c.putArray("atol").add(1e-6).add(1e-6);
            }
        }, (name, v) -> { });
        assertThatThrownBy(() -> GoldenManifest.load(dir)).hasMessageContaining("case 'hw1-cfg'")
                .hasMessageContaining("line ").hasMessageContaining(".atol' has 2 values but the output has 5 samples");
    }

    @Test
    void noManifestOrBadJsonIsAClearError(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> GoldenManifest.load(dir)).hasMessageContaining(dir.resolve("manifest.json").toString())
                .hasMessageContaining("no golden manifest");
        Files.writeString(dir.resolve("manifest.json"), "{\"format\": 1, \"cases\": [ {\"name\": \"x\",, } ]}");
        assertThatThrownBy(() -> GoldenManifest.load(dir)).hasMessageContaining("not valid JSON")
                .hasMessageContaining("line 1");
    }

    @Test
    void anInputWhoseShapeDisagreesWithTheManifestNamesTheCaseAtRunTime(@TempDir Path dir) throws IOException {
        GoldenFixtures.copyCases(dir, TWO, c -> {
            if (c.get("name").asText().equals("hw1-diffNorm")) {
                ((ObjectNode) c.get("inputs").get(0)).putArray("shape").add(5).add(2).add(2).add(1);
            }
        }, (name, v) -> { });
        GoldenCase c = GoldenManifest.load(dir).cases().stream().filter(x -> x.name().equals("hw1-diffNorm"))
                .findFirst().orElseThrow();
        assertThatThrownBy(() -> new GoldenRunner().prepare(c)).hasMessageContaining("golden case 'hw1-diffNorm'")
                .hasMessageContaining("input a").hasMessageContaining("[5, 4, 1, 1]").hasMessageContaining("[5, 2, 2, 1]");
    }
}
