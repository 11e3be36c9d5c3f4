package dev.memscope.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.memscope.cli.MemScope;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 B.1: an output that names a FIFO, a device or a symbolic link is written through, never replaced by a
 * regular file (the old rename-over-the-target turned even /dev/null into a regular file when run as root).
 */
class NonRegularOutputTest {
    @TempDir
    Path dir;

    private Path fifo(String name) throws Exception {
        Path f = dir.resolve(name);
        Process p = new ProcessBuilder("mkfifo", f.toString()).start();
        assumeThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("mkfifo available").isTrue();
        return f;
    }

    @Test
    void aFifoIsWrittenThroughAndStaysAFifo() throws Exception {
        Path f = fifo("pipe");
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        AtomicFiles.writeString(f, "through the pipe");
        assertThat(new String(reader.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("through the pipe");
        assertThat(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
    }

    @Test
    void aSymlinkStaysALinkAndItsTargetGetsTheContent() throws Exception {
        Path target = Files.writeString(dir.resolve("real.csv"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), Path.of("real.csv"));
        AtomicFiles.writeString(link, "new");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void aDanglingSymlinkCreatesItsTarget() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), dir.resolve("made.csv"));
        AtomicFiles.writeString(link, "x");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(dir.resolve("made.csv"))).isEqualTo("x");
    }

    /** As /dev/null for root, without risking the real device when this test runs against old code. */
    @Test
    void kernelOutToAFifoLeavesTheFifo() throws Exception {
        Path in = dir.resolve("a.npy");
        dev.memscope.tensor.Npy.writeF32(in, new int[] {1, 1, 2, 2}, new float[] {1, 2, 3, 4});
        Path f = fifo("out.npy");
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        StringWriter err = new StringWriter();
        var cl = MemScope.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int rc = cl.execute("kernel", "diffNorm", "--in", in.toString(), "--in", in.toString(), "--out",
                f.toString(), "--backend", "scalar");
        assertThat(rc).as(err.toString()).isZero();
        assertThat(reader.get(10, TimeUnit.SECONDS)).startsWith((byte) 0x93, (byte) 'N', (byte) 'U');
        assertThat(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aFifoAsCsvOutputIsNotReplaced() throws Exception {
        Path f = fifo("scores.csv");
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        dev.memscope.report.Csv.write(f, java.util.List.of("a"), java.util.List.of(java.util.List.of(1)));
        assertThat(new String(reader.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("a\r\n1\r\n");
        assertThat(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
