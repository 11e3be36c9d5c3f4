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
        int code = cl.execute("lab", "eps", "--x", dir.resolve("missing.npy").toString(), "--t", "981", "--null",
                "--out", dir.resolve("eps.npy").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("error: no such file: " + dir.resolve("missing.npy"))
                .doesNotContain("\tat ");
        assertThat(dir.resolve("eps.npy")).doesNotExist();
    }

    @Test
    void programmingErrorsKeepTheirStackTrace() {
        assertThat(MemScope.isUserError(new NullPointerException())).isFalse();
        assertThat(MemScope.isUserError(new IllegalArgumentException("bad"))).isTrue();
        assertThat(MemScope.describe(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("f.txt"))))
                .isEqualTo("no such file: f.txt");
    }
}
