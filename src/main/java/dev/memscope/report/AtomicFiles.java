package dev.memscope.report;

import dev.memscope.tensor.Npy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Every report file is written through here: the content is produced in memory first, then handed to
 * {@link Npy#writeAtomically} (temp file beside the target, then a rename). A writer that throws therefore never
 * touches the disk, and a failing rename leaves the previous file as it was. Report files are small (KB to a few
 * MB), so buffering costs nothing that matters.
 */
public final class AtomicFiles {

    /** Produces a file's content into a stream; may throw, in which case nothing is written. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path file, Body body) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
        body.writeTo(buffer);
        Npy.writeAtomically(file, buffer.toByteArray());
    }

    public static void writeString(Path file, String text) throws IOException {
        Npy.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
