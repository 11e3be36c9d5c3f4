package dev.memscope.data;

import java.io.IOException;
import java.nio.file.Path;

/** A prompt file that cannot be used; the message names the file and, where one is at fault, the line. */
public final class PromptFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public PromptFileException(Path file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
    }
}
