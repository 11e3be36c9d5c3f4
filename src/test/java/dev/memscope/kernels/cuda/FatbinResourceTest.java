package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The build embeds the kernels exactly when nvcc was there: the cuda-nvcc profiles set
 * {@code memscope.fatbin.built=true}, which surefire passes on, so this test knows which case it is in.
 */
class FatbinResourceTest {

    /** First four bytes of every fatbin (0xBA55ED50, little-endian). */
    private static final byte[] FATBIN_MAGIC = {0x50, (byte) 0xED, 0x55, (byte) 0xBA};

    private static boolean nvccAtBuildTime() {
        return Boolean.parseBoolean(System.getProperty("memscope.fatbin.built", "false"));
    }

    @Test
    void theFatbinIsOnTheClassPathExactlyWhenNvccBuiltIt() throws Exception {
        if (!nvccAtBuildTime()) {
            assertThat(CudaAvailability.fatbinPresent()).isFalse();
            assertThat(CudaAvailability.unavailableReason()).isEqualTo("no fatbin in this jar: built without nvcc");
            return;
        }
        assertThat(CudaAvailability.fatbinPresent()).isTrue();
        byte[] fatbin;
        try (InputStream in = getClass().getResourceAsStream(CudaAvailability.FATBIN_RESOURCE)) {
            fatbin = in.readAllBytes();
        }
        assertThat(fatbin).startsWith(FATBIN_MAGIC);
        // every kernel the host launches is in the module (symbol names are stored in the cubins' string tables)
        String text = new String(fatbin, StandardCharsets.ISO_8859_1);
        for (String kernel : CudaOps.KERNELS) {
            assertThat(text).as("kernel %s in the fatbin", kernel).contains(kernel);
        }
    }
}
