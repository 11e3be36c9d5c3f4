package dev.memscope.tensor;

import java.io.IOException;
import java.nio.file.Path;

/** A {@code .npy} file that cannot be read; the message always names the file. */
public final class NpyFormatException extends IOException {
    public NpyFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
