package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        Set<String> strings = nulTerminatedStrings(fatbin);
        for (CudaKernel k : CudaKernel.values()) {
            String kernel = k.entry();
            assertThat(strings).as("kernel %s as a whole symbol in the fatbin", kernel).contains(kernel);
        }
    }

    /**
     * Every kernel the host looks up by name is an entry point ptxas compiled, for each architecture: a renamed
     * kernel on one side only would fail every launch, and no GPU runs here to notice. The ptxas log lists the
     * entries exactly (the fatbin's string tables hold them too, but also section names that contain them).
     */
    @Test
    void everyKernelNameTheHostLooksUpIsACompiledEntryPoint() throws Exception {
        Path log = Path.of("target/nvcc/ptxas.log");
        assumeTrue(nvccAtBuildTime() && Files.exists(log), "no nvcc at build time");
        Map<String, Set<String>> entries = new HashMap<>();
        Matcher m = Pattern.compile("Compiling entry function '(\\w+)' for '(\\w+)'").matcher(Files.readString(log));
        while (m.find()) {
            entries.computeIfAbsent(m.group(2), k -> new HashSet<>()).add(m.group(1));
        }
        assertThat(entries).containsKeys("sm_80", "sm_90");
        for (Map.Entry<String, Set<String>> arch : entries.entrySet()) {
            assertThat(arch.getValue()).as("entries for %s", arch.getKey())
                    .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(CudaKernel.values()).map(CudaKernel::entry).toList());
        }
    }

    private static Set<String> nulTerminatedStrings(byte[] bytes) {
        Set<String> out = new HashSet<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                if (i > start) {
                    out.add(new String(bytes, start, i - start, StandardCharsets.ISO_8859_1));
                }
                start = i + 1;
            }
        }
        return out;
    }
}
