package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/check-ptxas-log.sh, which makes the build fail on a register spill or a compiler warning. */
class PtxasLogCheckTest {

    private static final String CLEAN = """
            ptxas info    : Compiling entry function 'cfg_vec' for 'sm_90'
            ptxas info    : Function properties for cfg_vec
                0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
            ptxas info    : Used 34 registers, used 0 barriers
            """;

    private static final String SPILL = CLEAN + """
            ptxas info    : Compiling entry function 'pixel_cosine_plain_vec' for 'sm_90'
            ptxas info    : Function properties for pixel_cosine_plain_vec
                8 bytes stack frame, 8 bytes spill stores, 12 bytes spill loads
            ptxas info    : Used 64 registers, used 1 barriers, 8 bytes cumulative stack size, 64 bytes smem
            """;

    @TempDir
    Path dir;

    private record Result(int exit, String output) {
    }

    private Result check(String log) throws IOException, InterruptedException {
        Path file = dir.resolve("ptxas.log");
        Files.writeString(file, log, StandardCharsets.UTF_8);
        Path script = Path.of("scripts", "check-ptxas-log.sh").toAbsolutePath();
        Process p = new ProcessBuilder("bash", script.toString(), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }

    @Test
    void aCleanLogPasses() throws Exception {
        assertThat(check(CLEAN).exit()).isZero();
    }

    @Test
    void aSpillFailsAndNamesTheKernel() throws Exception {
        Result r = check(SPILL);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("pixel_cosine_plain_vec").contains("8 bytes spill stores")
                .doesNotContain("'cfg_vec'");
    }

    @Test
    void aWarningFails() throws Exception {
        Result r = check(CLEAN + "ptxas warning : Registers are spilled to local memory in function 'x'\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("warning");
    }

    @Test
    void aLogWithoutVerbosePtxasOutputFails() throws Exception {
        Result r = check("nvcc ran without -Xptxas -v\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("was ptxas run with -v");
    }
}
