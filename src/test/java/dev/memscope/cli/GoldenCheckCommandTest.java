package dev.memscope.cli;

import dev.memscope.golden.GoldenFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code memscope golden check}: table, exit codes, and a failing case reported with its worst element. */
class GoldenCheckCommandTest {

    @Test
    void committedGoldensPassOnTheScalarBackend() {
        CliRun r = CliRun.of("golden", "check", "--backend", "scalar", "--dir", GoldenFixtures.goldenDir().toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("scalar").contains("rel err").contains("err/tol")
                .containsPattern("sd4-diffNorm +diffNorm +\\| +[0-9.e+-]+ +[0-9.]+ +PASS")
                .contains("x 1 backends (scalar)").contains("PASS").doesNotContain("FAIL");
    }

    @Test
    void aTamperedExpectedOutputFailsWithItsLocation(@TempDir Path dir) throws IOException {
        GoldenFixtures.copyCases(dir, Set.of("hw1-diffNorm", "hw1-globalCosine"), c -> { }, (name, v) -> {
            if (name.equals("hw1-diffNorm")) {
                v[3] *= 1.001;   // diffNorm of sample 3: 1000 x the rtol
            }
        });
        CliRun r = CliRun.of("golden", "check", "--backend", "scalar", "--dir", dir.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).containsPattern("hw1-diffNorm +diffNorm +\\| .* FAIL")
                .containsPattern("hw1-globalCosine +globalCosine +\\| .* PASS")
                .contains("1 of 2 FAIL").contains("hw1-diffNorm on scalar: FAIL").contains("worst at sample 3");
    }

    @Test
    void unreadableGoldensAndUnknownBackendsExitWithTwo(@TempDir Path dir) {
        CliRun r = CliRun.of("golden", "check", "--dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(dir.resolve("manifest.json").toString()).contains("no golden manifest");

        r = CliRun.of("golden", "check", "--backend", "tpu", "--dir", GoldenFixtures.goldenDir().toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown backend 'tpu'");
    }
}
