package dev.memscope.cli;

import dev.memscope.golden.GoldenFixtures;
import dev.memscope.golden.SavedOutputs;
import dev.memscope.tensor.Npy;
import dev.memscope.tensor.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memscope golden save} then {@code golden check --against}: the oracle is the scalar backend's own saved
 * output (itself checked against the NumPy float64 goldens by GoldenCheckCommandTest), so a re-run must match it
 * and a perturbed saved element must be reported where it was perturbed.
 */
class GoldenSaveAgainstTest {

    private static Path goldens(Path dir) throws IOException {
        return GoldenFixtures.copyCases(dir, Set.of("hw1-diffNorm", "sd2-cfg"), c -> { }, (n, v) -> { });
    }

    @Test
    void savedOutputsOfTheSameBackendPassAgainstThemselves(@TempDir Path tmp) throws IOException {
        Path gold = goldens(tmp.resolve("gold"));
        Path ref = tmp.resolve("ref");
        CliRun s = CliRun.of("golden", "save", "--backend", "scalar", "--dir", gold.toString(), "--out", ref.toString());
        assertThat(s.exitCode()).as(s.out() + s.err()).isZero();
        assertThat(s.out()).contains("saved 2 cases");
        assertThat(ref.resolve(SavedOutputs.FILE_NAME)).exists();
        assertThat(ref.resolve("sd2-cfg.npy")).exists();
        assertThat(Files.list(ref).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));

        CliRun r = CliRun.of("golden", "check", "--backend", "scalar", "--dir", gold.toString(),
                "--against", ref.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("sd2-cfg +cfg +\\| .* PASS").contains("all 2 PASS")
                .contains("against the scalar outputs saved in " + ref);
    }

    @Test
    void aPerturbedSavedOutputIsCaughtAtItsWorstElement(@TempDir Path tmp) throws IOException {
        Path gold = goldens(tmp.resolve("gold"));
        Path ref = tmp.resolve("ref");
        assertThat(CliRun.of("golden", "save", "--backend", "scalar", "--dir", gold.toString(),
                "--out", ref.toString()).exitCode()).isZero();
        NpyArray saved = Npy.read(ref.resolve("sd2-cfg.npy"));
        float[] v = saved.toFloatArray();
        int flat = 1 * 4 * 64 * 64 + 2 * 64 * 64 + 7 * 64 + 9;   // sample 1, c=2, h=7, w=9
        v[flat] += 0.5f;
        Npy.writeF32(ref.resolve("sd2-cfg.npy"), saved.shape(), v);

        CliRun r = CliRun.of("golden", "check", "--backend", "scalar", "--dir", gold.toString(),
                "--against", ref.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).containsPattern("sd2-cfg +cfg +\\| .* FAIL").containsPattern("hw1-diffNorm +diffNorm +\\| .* PASS")
                .contains("1 of 2 FAIL").contains("sd2-cfg on scalar: FAIL: 1 of")
                .contains("worst at sample 1, c=2, h=7, w=9 (flat " + flat + ")");

        // A tolerance wide enough for the perturbation passes it: --atol replaces the saved per-case one.
        CliRun wide = CliRun.of("golden", "check", "--backend", "scalar", "--dir", gold.toString(),
                "--against", ref.toString(), "--atol", "1");
        assertThat(wide.exitCode()).as(wide.out() + wide.err()).isZero();
    }

    @Test
    void aMissingCaseFileOrFolderIsAClearError(@TempDir Path tmp) throws IOException {
        Path gold = goldens(tmp.resolve("gold"));
        Path ref = tmp.resolve("ref");
        assertThat(CliRun.of("golden", "save", "--backend", "scalar", "--dir", gold.toString(),
                "--out", ref.toString()).exitCode()).isZero();
        Files.delete(ref.resolve("hw1-diffNorm.npy"));
        CliRun r = CliRun.of("golden", "check", "--backend", "scalar", "--dir", gold.toString(),
                "--against", ref.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("case 'hw1-diffNorm'").contains(ref.resolve("hw1-diffNorm.npy") + " is missing");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        r = CliRun.of("golden", "check", "--backend", "scalar", "--dir", gold.toString(), "--against", empty.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(empty.resolve(SavedOutputs.FILE_NAME).toString()).contains("no saved outputs here");

        r = CliRun.of("golden", "check", "--backend", "scalar", "--dir", gold.toString(), "--rtol", "1e-3");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("go with --against");
    }

    @Test
    void aCaseThatWasNotSavedIsNamed(@TempDir Path tmp) throws IOException {
        Path ref = tmp.resolve("ref");
        Path one = GoldenFixtures.copyCases(tmp.resolve("one"), Set.of("hw1-diffNorm"), c -> { }, (n, v) -> { });
        assertThat(CliRun.of("golden", "save", "--backend", "scalar", "--dir", one.toString(),
                "--out", ref.toString()).exitCode()).isZero();
        Path gold = goldens(tmp.resolve("gold"));
        CliRun r = CliRun.of("golden", "check", "--backend", "scalar", "--dir", gold.toString(),
                "--against", ref.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("golden case 'sd2-cfg' was not saved here").contains("hw1-diffNorm");
    }
}
