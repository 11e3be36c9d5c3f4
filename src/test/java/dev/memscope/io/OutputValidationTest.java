package dev.memscope.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.cli.MemScope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 B.2: every --out is checked before any work starts. Before, {@code compare --out EXISTING_FILE} built
 * the world and ran every detector, then failed with a bare path; {@code detect --out} could overwrite its own
 * prompt file.
 */
class OutputValidationTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = MemScope.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void compareRefusesAFileAsItsFolderBeforeAnyWork() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "keep me");
        long t0 = System.nanoTime();
        Run r = run("compare", "--quick", "--detectors", "anisotropy", "--backend", "cpu", "--out", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--out " + file).contains("not a folder");
        assertThat(r.out()).as("no work started").isEmpty();
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isLessThan(5);
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void detectRefusesItsOwnInputAndAFolderAsOut() throws Exception {
        Path prompts = Files.writeString(dir.resolve("p.txt"), "a cat\n");
        Run same = run("detect", "--prompts", prompts.toString(), "--detector", "anisotropy", "--out",
                prompts.toString());
        assertThat(same.code()).isEqualTo(2);
        assertThat(same.err()).contains("is also an input");
        assertThat(Files.readString(prompts)).isEqualTo("a cat\n");
        Run folder = run("detect", "--prompts", prompts.toString(), "--detector", "anisotropy", "--out",
                dir.toString());
        assertThat(folder.code()).isEqualTo(2);
        assertThat(folder.err()).contains("--out " + dir + ": is a directory");
    }

    @Test
    void aFolderHoldingAnInputIsRefused() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path prompts = Files.writeString(out.resolve("pos.txt"), "a cat\n");
        assertThatThrownBy(() -> OutputPaths.requireFolder("--out", out, prompts))
                .hasMessageContaining("holds an input");
        assertThatThrownBy(() -> OutputPaths.requireFolder("--out", dir.resolve("x"), dir.resolve("x")))
                .hasMessageContaining("holds an input");
    }

    @Test
    void theParentMustBeAFolder() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "");
        assertThatThrownBy(() -> OutputPaths.requireFile("--out", file.resolve("sub/x.csv")))
                .hasMessageContaining(file + " is not a folder");
        assertThatThrownBy(() -> OutputPaths.requireFolder("--out", file.resolve("sub")))
                .hasMessageContaining(file + " is not a folder");
        OutputPaths.requireFolder("--out", dir.resolve("new/deeper"));   // can be made: fine
    }

    @Test
    void labEpsChecksOutBeforeReadingTheWorld() throws Exception {
        Path x = dir.resolve("x.npy");
        dev.memscope.tensor.Npy.writeF32(x, new int[] {1, 1, 1, 1}, new float[] {0});
        Run r = run("lab", "eps", "--x", x.toString(), "--t", "41", "--null", "--out", x.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is also an input");
    }


    /**
     * Issue 14 B.2, the input really at risk: a well-formed --x named again as --out. Before, lab eps built the
     * world, computed eps and wrote it over its own input (exit 0); now it is refused before any work, x kept.
     */
    @Test
    void labEpsKeepsAWellFormedInputNamedAsOut() throws Exception {
        Path x = dir.resolve("x.npy");
        float[] v = new float[2 * 4 * 4];
        java.util.Arrays.fill(v, 0.25f);
        dev.memscope.tensor.Npy.writeF32(x, new int[] {1, 2, 4, 4}, v);
        byte[] before = Files.readAllBytes(x);
        Run r = run("lab", "eps", "--backend", "cpu", "--set", "memLimit=3", "--set", "nmemLimit=3", "--set",
                "genericComponents=5", "--set", "channels=2", "--set", "height=4", "--set", "width=4", "--set",
                "embeddingDim=32", "--x", x.toString(), "--t", "41", "--null", "--out", x.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("is also an input");
        assertThat(Files.readAllBytes(x)).isEqualTo(before);
    }
}
