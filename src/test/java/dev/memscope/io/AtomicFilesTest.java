package dev.memscope.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.memscope.report.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AtomicFiles}: success leaves exactly the target; a failing writer or an unwritable target leaves the old
 * file as it was and no temp file behind. (Runs as root here, so "unwritable" is made with a directory in the
 * target's place or a file in its parent's place, not with permissions, which root ignores.)
 */
class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void successLeavesOnlyTheTargetFile() throws IOException {
        Path f = dir.resolve("nested/report.md");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(f.getParent().toFile().list()).containsExactly("report.md");
    }

    /** The temp file is created owner-only; the finished file must be readable like any other output. */
    @Test
    void writtenFilesAreWorldReadable() throws IOException {
        Path f = dir.resolve("results.json");
        AtomicFiles.writeString(f, "{}");
        if (Files.getFileStore(f).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                    .isEqualTo("rw-r--r--");
        }
    }

    @Test
    void aThrowingWriterLeavesTheOldFileIntactAndNoTempFile() throws IOException {
        Path f = dir.resolve("scores.csv");
        AtomicFiles.writeString(f, "old content");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("half of the new content".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk on fire");
        })).isInstanceOf(IOException.class).hasMessage("disk on fire");
        assertThat(Files.readString(f)).isEqualTo("old content");
        assertThat(dir.toFile().list()).containsExactly("scores.csv");
    }

    @Test
    void aTargetThatCannotBeReplacedLeavesItAsItWasAndNoTempFile() throws IOException {
        Path f = dir.resolve("roc.png");
        Files.createDirectories(f);
        Files.writeString(f.resolve("keep.txt"), "kept");
        assertThatThrownBy(() -> AtomicFiles.writeString(f, "new")).isInstanceOf(IOException.class);
        assertThat(Files.readString(f.resolve("keep.txt"))).isEqualTo("kept");
        assertThat(dir.toFile().list()).containsExactly("roc.png");
    }

    @Test
    void aParentThatIsAFileFailsWithoutTouchingIt() throws IOException {
        Path blocker = dir.resolve("out");
        Files.writeString(blocker, "not a folder");
        assertThatThrownBy(() -> Json.write(blocker.resolve("results.json"), java.util.Map.of("a", 1)))
                .isInstanceOf(IOException.class);
        assertThat(Files.readString(blocker)).isEqualTo("not a folder");
        assertThat(dir.toFile().list()).containsExactly("out");
    }
}
