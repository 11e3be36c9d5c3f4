package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jcuda.LibUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JVMs starting together must never see a half-written JCuda driver library: {@link JCudaNatives} renames a
 * complete copy onto the path JCuda's LibUtils checks. Oracle: the bytes of the library in the jcuda-natives jar.
 */
class JCudaNativesTest {

    @TempDir
    Path tmp;

    @Test
    void jvmsStartingTogetherLeaveOneCompleteLibraryAndNoTemporaryFiles() throws Exception {
        String fileName = JCudaNatives.driverLibraryFileName();
        assertThat(fileName).isEqualTo("libJCudaDriver-12.6.0-linux-x86_64.so");
        byte[] expected;
        try (InputStream in = LibUtils.class.getResourceAsStream("/lib/" + fileName)) {
            expected = in.readAllBytes();
        }
        // what a JVM that went through JCuda's own extraction could leave behind mid-write
        Path target = tmp.resolve(fileName);
        Files.write(target, new byte[] {0x7f, 'E', 'L', 'F'});

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> jvms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            jvms.add(new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmp, "-Djava.library.path=" + tmp.resolve("none"),
                    "-cp", System.getProperty("java.class.path"), JCudaNativesRaceMain.class.getName())
                    .redirectErrorStream(true).start());
        }
        for (Process p : jvms) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("child JVM output: %s", out).isZero();
            assertThat(out).contains("prepared");
        }
        assertThat(Files.readAllBytes(target)).isEqualTo(expected);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(fileName);
        }
    }
}
