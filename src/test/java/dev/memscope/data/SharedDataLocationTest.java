package dev.memscope.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memscope.io.Installation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 B.5: shared data is found beside the installation, not relative to the working directory. Before,
 * only {@code ../shared/data} and {@code data/} under the working directory were tried, so
 * {@code scripts/memscope compare --quick} failed when started from any other folder.
 */
class SharedDataLocationTest {
    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("memscope.home");
    }

    @Test
    void aFileBesideTheInstallationIsFoundWhateverTheWorkingDirectory() throws Exception {
        Path home = Files.createDirectories(dir.resolve("install/memscope"));
        Path data = Files.createDirectories(dir.resolve("install/shared/data"));
        Path file = Files.writeString(data.resolve("only-beside-the-install-" + System.nanoTime() + ".txt"),
                "a prompt\n");
        System.setProperty("memscope.home", home.toString());
        assertThat(Installation.home()).isEqualTo(home.toAbsolutePath());
        Path found = PromptFiles.locateShared(file.getFileName().toString());
        assertThat(found.toAbsolutePath().normalize()).isEqualTo(file.toAbsolutePath());
        assertThat(PromptFiles.read(found)).containsExactly("a prompt");
    }

    @Test
    void withoutAPropertyTheHomeIsTheCheckoutTheClassesCameFrom() {
        // target/classes -> the checkout: the folder holding pom.xml
        assertThat(Installation.home().resolve("pom.xml")).isRegularFile();
    }

    @Test
    void reportsShowPathsInsideTheInstallationRelativeToIt() {
        Path home = dir.resolve("install/memscope");
        System.setProperty("memscope.home", home.toString());
        assertThat(Installation.display(home.resolve("models/testbed"))).isEqualTo(Path.of("models", "testbed")
                .toString());
        Path outside = dir.resolve("elsewhere/testbed");
        assertThat(Installation.display(outside)).isEqualTo(outside.toAbsolutePath().normalize().toString());
        assertThat(Installation.display(home)).isEqualTo(home.toAbsolutePath().normalize().toString());
    }
}
