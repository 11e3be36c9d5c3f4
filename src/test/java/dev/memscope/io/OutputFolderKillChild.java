package dev.memscope.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child process of {@link OutputFolderKillTest}: writes a new run of {@link OutputFolderKillTest#FILES} files
 * (each holding the word "new") into the folder, and halts the JVM (no cleanup, like kill -9) at the named step.
 */
public final class OutputFolderKillChild {
    private OutputFolderKillChild() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        String haltAt = args[1];
        OutputFolder.steps = step -> {
            if (step.equals(haltAt)) {
                Runtime.getRuntime().halt(137);
            }
        };
        OutputFolder.write(target, dir -> {
            for (int i = 0; i < OutputFolderKillTest.FILES; i++) {
                Files.writeString(dir.resolve("f" + i + ".txt"), "new");
                OutputFolder.steps.at("file-" + i);
            }
        });
        System.exit(0);
    }
}
