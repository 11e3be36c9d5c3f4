package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.memscope.kernels.OpArgs;
import dev.memscope.kernels.ScoreKernels;
import org.junit.jupiter.api.Test;

/**
 * Constants the device and the host must agree on, read from the kernel headers (no nvcc needed): a launch with
 * 256 threads of a kernel whose shared scratch is sized for MS_BLOCK = 128 would read past it, a GEMM grid cut
 * in 64-row tiles over 128-row kernels would skip rows, and a different cosine clamp would change results.
 */
class KernelConstantsTest {

    private static final Pattern DEFINE = Pattern.compile("(?m)^#define\\s+(\\w+)\\s+([^\\s/]+)");

    static Map<String, String> defines(Path header) throws IOException {
        Map<String, String> out = new HashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(header));
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    @Test
    void blockSizesMatchTheHeaders() throws Exception {
        Map<String, String> common = defines(Path.of("kernels/common.cuh"));
        assertThat(Integer.parseInt(common.get("MS_BLOCK"))).isEqualTo(CudaContext.BLOCK);
        assertThat(Integer.parseInt(common.get("MS_FINISH"))).isEqualTo(CudaContext.FINISH_BLOCK);
        for (CudaKernel k : CudaKernel.values()) {
            assertThat(k.block()).as(k.entry()).isIn(CudaContext.BLOCK, CudaContext.FINISH_BLOCK);
        }
    }

    @Test
    void theCosineClampMatchesScoreKernels() throws Exception {
        Map<String, String> common = defines(Path.of("kernels/common.cuh"));
        assertThat(Double.parseDouble(common.get("MS_COSINE_EPS"))).isEqualTo(ScoreKernels.COSINE_EPS);
    }

    @Test
    void theGemmTileMatchesTheHost() throws Exception {
        Map<String, String> gemm = defines(Path.of("kernels/gemm.cuh"));
        assertThat(Integer.parseInt(gemm.get("GEMM_TILE"))).isEqualTo(CudaOps.GEMM_TILE);
        assertThat(Integer.parseInt(gemm.get("GEMM_DEPTH"))).isEqualTo(GemmPlan.DEPTH);
        assertThat(Integer.parseInt(gemm.get("GEMV_MAX_M"))).isEqualTo(GemmPlan.GEMV_MAX_M);
    }

    @Test
    void theGenericPathLimitsMatchTheHost() throws Exception {
        Map<String, String> ops = defines(Path.of("kernels/ops.cuh"));
        assertThat(Integer.parseInt(ops.get("MS_MAX_INPUTS"))).isEqualTo(OpArgs.MAX_INPUTS);
        assertThat(Integer.parseInt(ops.get("MS_MAX_PARAMS"))).isEqualTo(OpArgs.MAX_PARAMS);
        assertThat(Integer.parseInt(ops.get("MS_MAX_TERMS"))).isEqualTo(CudaOps.MAX_TERMS);
    }

    @Test
    void theParserReadsADefineAndIgnoresItsComment(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path h = dir.resolve("h.cuh");
        Files.writeString(h, "#define MS_BLOCK 128              // threads\n#define X 1e-8 // eps\n");
        assertThat(defines(h)).containsEntry("MS_BLOCK", "128").containsEntry("X", "1e-8");
    }
}
