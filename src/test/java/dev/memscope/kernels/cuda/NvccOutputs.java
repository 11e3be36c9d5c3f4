package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What scripts/build-fatbin.sh leaves in target/nvcc: the ptxas log and the compute_90 PTX. Where the build ran
 * nvcc (the cuda-nvcc profiles set memscope.fatbin.built=true) they must exist; only a build without nvcc skips
 * the tests that read them, and says so.
 */
final class NvccOutputs {
    static final Path PTXAS_LOG = Path.of("target/nvcc/ptxas.log");
    static final Path PTX = Path.of("target/nvcc/memscope.ptx");

    private NvccOutputs() {
    }

    static boolean nvccAtBuildTime() {
        return Boolean.parseBoolean(System.getProperty("memscope.fatbin.built", "false"));
    }

    static String read(Path file) throws IOException {
        assumeTrue(nvccAtBuildTime(), "built without nvcc (no /usr/local/cuda/bin/nvcc, no -Dnvcc): no " + file);
        assertThat(file).as("nvcc ran in this build, so scripts/build-fatbin.sh must have written it").exists();
        return Files.readString(file);
    }
}
