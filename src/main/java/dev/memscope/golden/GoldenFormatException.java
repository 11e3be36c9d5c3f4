package dev.memscope.golden;

import java.io.IOException;
import java.nio.file.Path;

/** A golden manifest or file that cannot be used; the message names the manifest, the case and the file. */
public final class GoldenFormatException extends IOException {
    public GoldenFormatException(Path manifest, String problem) {
        super(manifest + ": " + problem);
    }
}
