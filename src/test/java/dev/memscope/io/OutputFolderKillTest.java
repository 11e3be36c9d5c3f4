package dev.memscope.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 B.3: a folder of outputs is written whole. A child JVM writing a new run over an old one is halted
 * (no cleanup, as by kill -9) at every step of the write; each time the folder holds the complete old run or the
 * complete new run, never a mix. Before, the files were written one by one into the folder itself, so a kill
 * after the first file left a mixed folder.
 */
class OutputFolderKillTest {
    static final int FILES = 4;

    @TempDir
    Path dir;

    @Test
    void aKillAtAnyStepLeavesTheOldRunOrTheNewRun() throws Exception {
        List<String> points = new ArrayList<>(List.of("created"));
        for (int i = 0; i < FILES; i++) {
            points.add("file-" + i);
        }
        points.addAll(List.of("written", "old-moved", "new-moved", "done", "never"));
        for (String point : points) {
            Path target = dir.resolve("run-" + point);
            Files.createDirectories(target);
            for (int i = 0; i < FILES; i++) {
                Files.writeString(target.resolve("f" + i + ".txt"), "old");
            }
            int code = child(target, point);
            assertThat(code).as("exit at " + point).isEqualTo(point.equals("never") ? 0 : 137);
            String state = state(target);
            if (point.equals("old-moved")) {
                // between the two renames the name is briefly absent; the complete old run waits beside it
                assertThat(state).as("at " + point).isEqualTo("absent");
            } else {
                assertThat(state).as("at " + point).isIn("old", "new");
            }
            OutputFolder.recover(target);
            String expected = List.of("new-moved", "done", "never").contains(point) ? "new" : "old";
            assertThat(state(target)).as("after recovery, killed at " + point).isEqualTo(expected);
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".run-" + point + ".")))
                        .as("leftovers after recovery").isEmpty();
            }
        }
    }

    @Test
    void aFailingWriterLeavesTheOldRunAndNoLeftovers() throws Exception {
        Path target = Files.createDirectories(dir.resolve("out"));
        Files.writeString(target.resolve("f0.txt"), "old");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OutputFolder.write(target, d -> {
            Files.writeString(d.resolve("f0.txt"), "new");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(target.resolve("f0.txt"))).isEqualTo("old");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(target);
        }
    }

    @Test
    void aSymlinkedFolderKeepsItsLink() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.writeString(real.resolve("a"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        OutputFolder.write(link, d -> Files.writeString(d.resolve("b"), "new"));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(real.resolve("a")).doesNotExist();
        assertThat(Files.readString(real.resolve("b"))).isEqualTo("new");
    }

    /** "old" or "new" when every file holds that word and all are there, "absent", or "mixed: ..." otherwise. */
    private static String state(Path target) throws IOException {
        if (!Files.exists(target)) {
            return "absent";
        }
        List<String> words = new ArrayList<>();
        try (Stream<Path> s = Files.list(target)) {
            for (Path f : s.sorted().toList()) {
                words.add(Files.readString(f));
            }
        }
        if (words.size() == FILES && words.stream().distinct().count() == 1) {
            return words.get(0);
        }
        return "mixed: " + words;
    }

    private static int child(Path target, String haltAt) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), OutputFolderKillChild.class.getName(), target.toString(),
                haltAt).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child finished: " + log).isTrue();
        return p.exitValue();
    }
}
