package dev.memscope.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks an output path before any work starts, so that a run of minutes does not end in "cannot write": the
 * parent folder exists or can be made, it is writable, the path is of the right kind (a file output may be a
 * regular file, a device or a FIFO, written through; a folder output must be a folder), and it is not one of the
 * inputs (nor, for a folder that is replaced whole, a folder holding one). Symbolic links are followed: the link
 * stays, its target is what gets written. Errors name the option and the path.
 */
public final class OutputPaths {
    private OutputPaths() {
    }

    /** For an output file ({@code --out scores.csv}). */
    public static void requireFile(String option, Path out, Path... inputs) throws IOException {
        Path target = AtomicFiles.resolveLinks(out);
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException(option + " " + out + ": is a directory; name a file");
        }
        if (Files.exists(target)) {
            if (!Files.isWritable(target)) {
                throw new IllegalArgumentException(option + " " + out + ": not writable");
            }
        } else {
            requireParent(option, out, target);
        }
        for (Path in : inputs) {
            if (same(target, in)) {
                throw new IllegalArgumentException(option + " " + out + ": is also an input (" + in + "); writing "
                        + "it would destroy the input");
            }
        }
    }

    /** For an output folder replaced whole ({@code compare --out DIR}). */
    public static void requireFolder(String option, Path out, Path... inputs) throws IOException {
        Path target = AtomicFiles.resolveLinks(out);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException(option + " " + out + ": exists and is not a folder (it would be "
                    + "replaced by one); name a folder");
        }
        if (Files.isDirectory(target) && !Files.isWritable(target)) {
            throw new IllegalArgumentException(option + " " + out + ": folder not writable");
        }
        requireParent(option, out, target);
        Path abs = canonical(target);
        for (Path in : inputs) {
            Path i = canonical(in);
            if (i.equals(abs) || i.startsWith(abs)) {
                throw new IllegalArgumentException(option + " " + out + ": holds an input (" + in + "); the folder "
                        + "is replaced whole, which would delete it");
            }
        }
    }

    /** The nearest existing ancestor must be a writable folder (the rest can then be made). */
    private static void requireParent(String option, Path out, Path target) {
        Path p = target.toAbsolutePath().getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalArgumentException(option + " " + out + ": no existing parent folder");
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(option + " " + out + ": " + p + " is not a folder, so the output "
                    + "cannot be made under it");
        }
        if (!Files.isWritable(p)) {
            throw new IllegalArgumentException(option + " " + out + ": folder " + p + " is not writable");
        }
    }

    private static boolean same(Path a, Path b) {
        return canonical(a).equals(canonical(b));
    }

    /** The real path where one exists (links and .. resolved), else the normalized absolute path. */
    static Path canonical(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
