package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memscope.kernels.Backends;
import dev.memscope.kernels.Gemm;
import dev.memscope.kernels.Gemms;
import dev.memscope.kernels.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * Backend choice with and without a CUDA driver. Runs everywhere: on a machine without a driver (CI, this
 * repository's build machine) it proves the clean fallback; with a driver it proves that {@code auto} picks CUDA.
 */
class CudaFallbackTest {

    private static final String REASON = CudaAvailability.unavailableReason();

    @Test
    void cudaProviderIsRegisteredFirstInListings() {
        assertThat(Backends.providers()).extracting(KernelProvider::name).startsWith("cuda");
        KernelProvider cuda = Backends.providers().get(0);
        assertThat(cuda.order()).isEqualTo(5);
        assertThat(cuda.unavailableReason()).isEqualTo(REASON);
    }

    @Test
    void autoSaysWhichBackendItChose() {
        if (REASON == null) {
            assertThat(Backends.resolve("auto")).isEqualTo("cuda");
            assertThat(Backends.describeAuto()).startsWith("cuda");
        } else {
            assertThat(Backends.resolve("auto")).isEqualTo("cpu");
            assertThat(Backends.describeAuto()).isEqualTo("cpu (CUDA unavailable: " + REASON + ")");
            assertThat(Backends.availableNames()).doesNotContain("cuda").contains("cpu", "scalar");
        }
    }

    @Test
    void cudaWithoutADriverIsAClearErrorNotACrash() {
        if (REASON == null) {
            try (var k = Backends.create("cuda")) {
                assertThat(k.name()).isEqualTo("cuda");
            }
            return;
        }
        assertThatThrownBy(() -> Backends.create("cuda"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("backend 'cuda' is unavailable on this machine: " + REASON);
        assertThatThrownBy(CudaKernels::new)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(REASON);
        assertThatThrownBy(CudaGemm::new)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(REASON);
        // asking again gives the same cached answer, still without touching the missing driver
        assertThat(new CudaProvider().unavailableReason()).isEqualTo(REASON);
    }

    /** The lab's GEMM is chosen by the same names: an explicit cuda never falls back silently. */
    @Test
    void gemmChoiceFollowsTheBackendName() {
        try (Gemm cpu = Gemms.create("cpu"); Gemm auto = Gemms.create("auto")) {
            assertThat(cpu.name()).isNotEqualTo("cuda");
            assertThat(auto.name()).isEqualTo(REASON == null ? "cuda" : cpu.name());
        }
        if (REASON != null) {
            assertThatThrownBy(() -> Gemms.create("cuda"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(REASON);
        }
    }

    @Test
    void theReasonNamesTheFirstMissingPiece() {
        if (!CudaAvailability.fatbinPresent()) {
            assertThat(REASON).isEqualTo("no fatbin in this jar: built without nvcc");
        } else if (REASON != null) {
            assertThat(REASON).doesNotContain("\n").doesNotContain("fatbin");
        }
    }

    @Test
    void aMissingLibcudaBecomesOneLineAboutTheDriver() {
        UnsatisfiedLinkError jcudaStyle = new UnsatisfiedLinkError("Error while loading native library "
                + "\"JCudaDriver-12.6.0-linux-x86_64\"\nOperating system name: Linux\n---(start of nested stack "
                + "traces)---\njava.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: "
                + "libcuda.so.1: cannot open shared object file: No such file or directory");
        assertThat(CudaAvailability.linkFailure(jcudaStyle))
                .isEqualTo("no CUDA driver: libcuda.so.1 (the NVIDIA driver library) is not installed or not on "
                        + "the loader path");
        assertThat(CudaAvailability.linkFailure(new UnsatisfiedLinkError("something else\nmore")))
                .isEqualTo("cannot load JCuda's driver binding (UnsatisfiedLinkError): something else");
    }
}
