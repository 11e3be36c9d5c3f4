package dev.memscope.kernels.cuda;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import jcuda.JCudaVersion;
import jcuda.LibUtils;

/**
 * Makes JCuda's driver library safe to load when several JVMs start at once.
 *
 * <p>JCuda 12.6's {@code LibUtils.loadLibrary} first tries {@code System.loadLibrary} (the
 * {@code java.library.path}); failing that, it looks for {@code <java.io.tmpdir>/libJCudaDriver-12.6.0-linux-x86_64.so},
 * writes the jar resource there in place <em>only if the file does not exist</em>, and {@code System.load}s it.
 * Two JVMs starting together race: the second sees the half-written file of the first and fails to load it
 * (or loads a truncated library). This class closes the race without patching JCuda:
 * <ul>
 *   <li>If the library is on {@code java.library.path} (the GPU bundle passes {@code -Djava.library.path=lib}),
 *       nothing is extracted at all.</li>
 *   <li>Otherwise, before JCuda's classes initialize, the resource is written to a unique temporary file in the
 *       same directory and atomically renamed onto the exact path JCuda will check. Any JVM therefore sees either
 *       no file or a complete one; an existing file is kept only when its bytes equal the resource (a file left
 *       half-written by a JVM that did not go through this class is replaced, again atomically).</li>
 * </ul>
 * The path is per version (JCuda's own naming includes it); the rename works within one directory on every
 * POSIX file system. Callers in one JVM are serialized by the class lock.
 */
final class JCudaNatives {

    private static boolean prepared;

    private JCudaNatives() {
    }

    /** JCuda's platform name of the driver library, e.g. {@code JCudaDriver-12.6.0-linux-x86_64}. */
    static String driverLibraryName() {
        return LibUtils.createPlatformLibraryName("JCudaDriver-" + JCudaVersion.get());
    }

    /** The file name JCuda extracts and loads, e.g. {@code libJCudaDriver-12.6.0-linux-x86_64.so}. */
    static String driverLibraryFileName() {
        return LibUtils.createLibraryFileName(driverLibraryName());
    }

    /**
     * Ensures JCuda will find a complete driver library, before any JCuda driver class is touched.
     *
     * @throws IOException when the library cannot be placed (the message says where and why)
     */
    static synchronized void prepare() throws IOException {
        if (prepared) {
            return;
        }
        String fileName = driverLibraryFileName();
        if (onLibraryPath(fileName)) {
            prepared = true;
            return;
        }
        byte[] lib;
        String resource = "/lib/" + fileName;
        try (InputStream in = LibUtils.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("JCuda's native driver library " + resource
                        + " is not on the class path (jcuda-natives for this platform is missing)");
            }
            lib = in.readAllBytes();
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        Path target = dir.resolve(fileName);
        if (!sameBytes(target, lib)) {
            Path tmp = Files.createTempFile(dir, fileName + ".", ".part");
            try {
                Files.write(tmp, lib);
                readableByAll(tmp);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot atomically place " + target + ": " + e.getMessage(), e);
                }
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                // another JVM may have won the race with the same bytes, which is fine
                if (!sameBytes(target, lib)) {
                    throw new IOException("cannot extract the JCuda driver library to " + target + ": " + e, e);
                }
            }
        }
        prepared = true;
    }

    /** createTempFile makes the file owner-only; other users' JVMs must be able to load it too. */
    private static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions are all there is
        }
    }

    private static boolean onLibraryPath(String fileName) {
        String path = System.getProperty("java.library.path", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, fileName))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameBytes(Path file, byte[] expected) {
        try {
            return Files.isRegularFile(file) && Files.size(file) == expected.length
                    && Arrays.equals(Files.readAllBytes(file), expected);
        } catch (IOException e) {
            return false;
        }
    }
}
