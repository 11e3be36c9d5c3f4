package dev.memscope.model.replay;

import java.io.IOException;
import java.nio.file.Path;

/** A replay manifest or shard that cannot be used; the message names the manifest and the field or shard at fault. */
public final class ReplayFormatException extends IOException {
    public ReplayFormatException(Path manifest, String problem) {
        super(manifest + ": " + problem);
    }
}
