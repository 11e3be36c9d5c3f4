package dev.memscope.io;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where MemScope is installed, so that its data is found from any working directory: the {@code memscope.home}
 * system property, else {@code $MEMSCOPE_HOME} (the launcher sets it to the checkout), else the folder of the jar
 * or classes MemScope runs from (one level up when that is Maven's {@code target/}, and from
 * {@code target/classes}). The shared research data lives beside the installation, in {@code <home>/../shared}.
 */
public final class Installation {
    private Installation() {
    }

    public static Path home() {
        String p = System.getProperty("memscope.home");
        if (p != null && !p.isBlank()) {
            return Path.of(p).toAbsolutePath();
        }
        String env = System.getenv("MEMSCOPE_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return fromCodeLocation();
    }

    /**
     * A path as reports show it: relative to the installation when inside it ({@code models/testbed}), so results
     * committed from one checkout do not name that machine's folders; absolute otherwise.
     */
    public static String display(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path h = home().normalize();
        return abs.startsWith(h) && !abs.equals(h) ? h.relativize(abs).toString() : abs.toString();
    }

    /** {@code <home>/../shared}: the folder whose {@code data/} holds the shared prompt lists. */
    public static Path sharedBesideHome() {
        return home().resolve("..").resolve("shared").normalize();
    }

    static Path fromCodeLocation() {
        Path here;
        try {
            here = Path.of(Installation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            return Path.of("").toAbsolutePath();
        }
        Path dir = Files.isRegularFile(here) ? here.getParent() : here;
        if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("classes")) {
            dir = dir.getParent();
        }
        if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("target")) {
            dir = dir.getParent();
        }
        return dir == null ? Path.of("").toAbsolutePath() : dir.toAbsolutePath();
    }
}
