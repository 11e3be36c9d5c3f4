package dev.memscope.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code SHA256SUMS} file as {@code sha256sum} writes it ({@code <64 hex>  <relative path>}, or {@code " *"} for
 * binary mode). {@link #verify} checks every listed file before anything reads it, so a truncated download or a
 * swapped model fails up front with one line naming the file, not later as an obscure ONNX or CSV error.
 */
final class Sha256Sums {
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

    record Entry(String sha256, String path, int line) {
    }

    private Sha256Sums() {
    }

    static List<Entry> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": missing (the testbed lists its files' checksums here)");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank()) {
                continue;
            }
            Matcher m = LINE.matcher(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
            if (!m.matches()) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": not '<64 hex digits>  <path>'");
            }
            String path = m.group(2);
            if (Path.of(path).isAbsolute() || Path.of(path).normalize().startsWith("..")) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": path '" + path
                        + "' leaves the testbed folder");
            }
            out.add(new Entry(m.group(1).toLowerCase(java.util.Locale.ROOT), path, i + 1));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": lists no files");
        }
        return out;
    }

    /** Checks every file listed in {@code sums} (paths relative to its folder); throws naming the first bad one. */
    static void verify(Path sums) throws IOException {
        Path dir = sums.toAbsolutePath().getParent();
        for (Entry e : read(sums)) {
            Path f = dir.resolve(e.path());
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException(f + ": missing (listed in " + sums + " line " + e.line() + ")");
            }
            String actual = sha256(f);
            if (!actual.equals(e.sha256())) {
                throw new IllegalArgumentException(f + ": sha256 " + actual + " does not match " + e.sha256()
                        + " in " + sums + " line " + e.line() + " (corrupt or replaced file)");
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
