package dev.memscope.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A folder of outputs written whole: the files go into a new folder beside the target ({@code .NAME.new-*}), which
 * is then swapped in by two renames (old folder aside to {@code .NAME.old-*}, new folder in), and the old one is
 * deleted. A failed or killed run before the swap leaves the previous folder untouched (its half-written sibling is
 * removed by the next write). A folder can not be renamed over a non-empty one, so between the two renames (two
 * system calls) the target name is briefly absent while the complete old run sits at {@code .NAME.old-*};
 * {@link #recover} (run first by every write) puts it back if a kill struck there. A symbolic link to a folder is
 * followed: the link stays and its target is replaced. Two runs writing the same folder at once are not supported
 * (the second one's recovery would remove the first one's unfinished folder).
 */
public final class OutputFolder {

    /** Writes the new folder's files; may throw, in which case the old folder stays as it was. */
    @FunctionalInterface
    public interface Body {
        void writeTo(Path folder) throws IOException;
    }

    /** Test hook: called at each step of a write, so a test can kill the process at every point. */
    interface Steps {
        void at(String step);
    }

    static Steps steps = step -> { };

    private OutputFolder() {
    }

    public static void write(Path folder, Body body) throws IOException {
        Path target = AtomicFiles.resolveLinks(folder).toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IOException(folder + ": exists and is not a folder; refusing to replace it");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        recover(target);
        String name = target.getFileName().toString();
        Path fresh = Files.createTempDirectory(parent, "." + name + ".new-");
        Path old = null;
        try {
            if (Files.getFileStore(fresh).supportsFileAttributeView(PosixFileAttributeView.class)) {
                // createTempDirectory makes it owner-only (0700); results are shared like any folder
                Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            steps.at("created");
            body.writeTo(fresh);
            steps.at("written");
            if (Files.exists(target)) {
                old = Files.createTempDirectory(parent, "." + name + ".old-");
                Files.delete(old);   // only its unique name is wanted
                move(target, old);
                steps.at("old-moved");
                move(fresh, target);
                steps.at("new-moved");
                deleteTree(old);
            } else {
                move(fresh, target);
                steps.at("new-moved");
            }
            steps.at("done");
        } catch (IOException | RuntimeException | Error e) {
            if (old != null && Files.exists(old) && !Files.exists(target)) {
                move(old, target);   // the swap failed half-way: the old run goes back
            }
            if (Files.exists(fresh)) {
                deleteTree(fresh);
            }
            throw e;
        }
    }

    /**
     * Repairs what a killed write left beside {@code target}: if the target is missing but a complete old run sits
     * at {@code .NAME.old-*}, it is moved back; leftover {@code .NAME.new-*} and (with the target present)
     * {@code .NAME.old-*} folders are deleted.
     */
    public static void recover(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        String name = target.getFileName().toString();
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        // prefixes, not globs: a folder name may hold glob characters such as [ or {
        try (DirectoryStream<Path> olds = Files.newDirectoryStream(parent, startsWith("." + name + ".old-"))) {
            for (Path old : olds) {
                if (!Files.exists(target)) {
                    move(old, target);
                } else {
                    deleteTree(old);
                }
            }
        }
        try (DirectoryStream<Path> news = Files.newDirectoryStream(parent, startsWith("." + name + ".new-"))) {
            for (Path n : news) {
                deleteTree(n);
            }
        }
    }

    private static DirectoryStream.Filter<Path> startsWith(String prefix) {
        return p -> p.getFileName().toString().startsWith(prefix);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
