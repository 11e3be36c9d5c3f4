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

    /**
     * The issue's own case, a character device as --out, on a /dev/null twin made with mknod inside the temp dir
     * (never the real /dev/null: code that replaced it would break the machine). Needs root for mknod; skipped
     * with that reason elsewhere. Fails on the code before da3ddb3 (the device became a regular file).
     */
    @Test
    void kernelOutToACharacterDeviceLeavesTheDevice() throws Exception {
        Path node = dir.resolve("null-twin");
        Process mk = new ProcessBuilder("mknod", node.toString(), "c", "1", "3").start();
        assumeThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mknod available (root)").isTrue();
        assertThat(kind(node)).isEqualTo("character special file");
        Path in = dir.resolve("a.npy");
        dev.memscope.tensor.Npy.writeF32(in, new int[] {1, 1, 2, 2}, new float[] {1, 2, 3, 4});
        StringWriter err = new StringWriter();
        var cl = MemScope.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int rc = cl.execute("kernel", "diffNorm", "--in", in.toString(), "--in", in.toString(), "--out",
                node.toString(), "--backend", "scalar");
        assertThat(rc).as(err.toString()).isZero();
        assertThat(kind(node)).as("kind of the --out device after the run").isEqualTo("character special file");
    }

    private static String kind(Path p) throws Exception {
        Process st = new ProcessBuilder("stat", "-c", "%F", p.toString()).redirectErrorStream(true).start();
        String k = new String(st.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        st.waitFor(10, TimeUnit.SECONDS);
        return k;
    }
}
