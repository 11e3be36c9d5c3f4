package dev.memscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command reports bad input the same way: one line naming the problem, exit code 2, no stack trace. */
class ErrorHandlingTest {

    @TempDir
    Path dir;

    @Test
    void aMissingInputFileIsOneLineAndExitCodeTwo() {
        StringWriter err = new StringWriter();
        CommandLine cl = MemScope.commandLine();
        cl.setErr(new PrintWriter(err));
        int code = MemScope.execute(cl, "lab", "eps", "--x", dir.resolve("missing.npy").toString(), "--t", "981", "--null",
                "--out", dir.resolve("eps.npy").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: no such file: " + dir.resolve("missing.npy"))
                .doesNotContain("\tat ");
        assertThat(dir.resolve("eps.npy")).doesNotExist();
    }

    /** A command that fails the way a bug or an exhausted heap does; added to the real command line in tests. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Option(names = "--with", required = true)
        String with;

        @Override
        public Integer call() {
            switch (with) {
                case "oom" -> throw new OutOfMemoryError("Java heap space");
                case "deep" -> throw new StackOverflowError();
                default -> {
                    String s = null;
                    return s.length();
                }
            }
        }
    }

    private static CliRun boom(String with) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = MemScope.commandLine().addSubcommand(new Boom());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new CliRun(MemScope.execute(cl, "boom", "--with", with), out.toString(), err.toString());
    }

    /**
     * Issue 14 B.4: a bug printed its stack trace with exit code 1 (the code of "slower" and "a case fails"), and an
     * OutOfMemoryError or StackOverflowError escaped picocli altogether. Now: one line, exit code 3.
     */
    @Test
    void internalErrorsAreOneLineWithTheirOwnExitCode() {
        CliRun npe = boom("npe");
        assertThat(npe.exitCode()).isEqualTo(MemScope.INTERNAL_ERROR).isNotIn(0, 1, 2);
        assertThat(npe.err()).contains("memscope boom: internal error: java.lang.NullPointerException")
                .contains("at cli.ErrorHandlingTest$Boom.call:").doesNotContain("\tat ");
        assertThat(npe.err().strip().lines()).hasSize(1);

        CliRun oom = boom("oom");
        assertThat(oom.exitCode()).isEqualTo(MemScope.INTERNAL_ERROR);
        assertThat(oom.err()).contains("out of memory").contains("-Xmx").doesNotContain("\tat ");
        assertThat(oom.err().strip().lines()).hasSize(1);

        CliRun deep = boom("deep");
        assertThat(deep.exitCode()).isEqualTo(MemScope.INTERNAL_ERROR);
        assertThat(deep.err()).contains("stack overflow").doesNotContain("\tat ");
    }

    @Test
    void sizesTheHeapCannotHoldAreRefusedUpFrontWithTheEstimate() {
        // 1504 x 4x512x512 floats fit one Java array (1.6e9 elements) but not the tests' 4 GiB heap
        CliRun r = CliRun.of("lab", "export", "--set", "genericComponents=1500", "--set", "height=512", "--set",
                "width=512", "--set", "memLimit=2", "--set", "nmemLimit=2", "--out", dir.resolve("w").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("lab world of K = 1504 components").contains("needs about 5.9 GiB")
                .contains("-Xmx").doesNotContain("\tat ");
    }

    @Test
    void programmingErrorsAreNotUserErrors() {
        assertThat(MemScope.isUserError(new NullPointerException())).isFalse();
        assertThat(MemScope.isUserError(new IllegalArgumentException("bad"))).isTrue();
        assertThat(MemScope.describe(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("f.txt"))))
                .isEqualTo("no such file: f.txt");
    }


    /**
     * Issue 14 B.4, "a deep JSON document" through the CLI: before, Jackson's nesting error reached a
     * NullPointerException in the results reader, printed as a stack trace with exit code 1.
     */
    @Test
    void aDeeplyNestedJsonInputIsOneLineNamingTheFile() throws Exception {
        Path deep = java.nio.file.Files.writeString(dir.resolve("deep.json"),
                "[".repeat(100_000) + "]".repeat(100_000));
        CliRun r = CliRun.of("bench", "compare", deep.toString(), deep.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(deep.toString()).contains("nested deeper than").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
    }
}
