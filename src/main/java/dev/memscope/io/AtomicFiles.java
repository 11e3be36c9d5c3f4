package dev.memscope.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Every file MemScope writes goes through here (tensors, reports, exports): the content is produced in memory
 * first, written to a temp file beside the target, then renamed over it. A writer that throws never touches the
 * disk, and a failing write or rename leaves the previous file as it was, so no half-written file is ever left.
 * The files are small enough (KB to a few hundred MB) that buffering costs nothing that matters.
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
        write(file, buffer.toByteArray());
    }

    public static void writeString(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes bytes to a temp file in the target's folder, then renames it over the target. A target that exists and
     * is not a regular file (a device such as /dev/null, a FIFO) is written through, never replaced by a regular
     * file; a symbolic link is followed, so the link stays and its target gets the new content.
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path abs = resolveLinks(file).toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IOException(file + ": is a directory; cannot write a file there");
        }
        if (Files.exists(abs) && !Files.isRegularFile(abs)) {
            try (OutputStream out = Files.newOutputStream(abs, StandardOpenOption.WRITE)) {
                out.write(bytes);
            }
            return;
        }
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            // createTempFile makes the file owner-only (0600); results are meant to be shared like any file.
            if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Follows symbolic links (also dangling ones, and relative ones against the link's folder) to the path that is
     * really written; stops after 40 links, as the kernel does.
     */
    public static Path resolveLinks(Path file) throws IOException {
        Path p = file;
        for (int i = 0; i < 40 && Files.isSymbolicLink(p); i++) {
            Path link = Files.readSymbolicLink(p);
            Path parent = p.toAbsolutePath().getParent();
            p = link.isAbsolute() || parent == null ? link : parent.resolve(link);
        }
        if (Files.isSymbolicLink(p)) {
            throw new IOException(file + ": too many levels of symbolic links");
        }
        return p;
    }
}
