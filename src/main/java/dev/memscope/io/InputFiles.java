package dev.memscope.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an input file whole. The JDK's error for a folder given as a file is a bare "Is a directory", naming no
 * path; this names it.
 */
public final class InputFiles {
    private InputFiles() {
    }

    public static byte[] readAllBytes(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a file");
        }
        return Files.readAllBytes(file);
    }
}
