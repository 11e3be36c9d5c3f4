package dev.memscope.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The {@link CudaKernel} signature table against the PTX nvcc compiled from kernels/memscope.cu: each kernel the
 * host launches is a {@code .visible .entry} under its plain (unmangled, {@code extern "C"}) name with exactly
 * the parameter types {@link KernelArgs} packs, and the module has no entry the table lacks. A kernel that loses
 * {@code extern "C"} is emitted as {@code _Z...}; a parameter changed from {@code long long} to {@code int} is
 * {@code .u32} instead of {@code .u64}: either would fail every launch on a GPU, and fails here.
 */
class KernelSignatureTest {

    private static final Pattern ENTRY = Pattern.compile("\\.visible\\s+\\.entry\\s+([\\w$]+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(\\.[a-z]+\\d+)");

    /** Entry name to its parameters' PTX types, from PTX text. */
    static Map<String, List<String>> entries(String ptx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            List<String> types = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                types.add(p.group(1));
            }
            out.put(e.group(1), types);
        }
        return out;
    }

    /** Every difference between the table and the PTX, in words; empty when they agree. */
    static List<String> mismatches(String ptx) {
        Map<String, List<String>> entries = entries(ptx);
        List<String> problems = new ArrayList<>();
        for (CudaKernel k : CudaKernel.values()) {
            List<String> types = entries.get(k.entry());
            if (types == null) {
                problems.add(k.entry() + ": no unmangled .entry of that name (missing extern \"C\"?)");
                continue;
            }
            List<String> expected = k.params().stream().map(CudaKernel.Param::ptxType).toList();
            if (!types.equals(expected)) {
                problems.add(k.entry() + ": PTX parameters " + types + " but the host packs " + k.params() + " = "
                        + expected);
            }
        }
        for (String name : entries.keySet()) {
            boolean known = false;
            for (CudaKernel k : CudaKernel.values()) {
                known |= k.entry().equals(name);
            }
            if (!known) {
                problems.add(name + ": an entry the host never launches" + (name.startsWith("_Z") ? " (C++-mangled)"
                        : ""));
            }
        }
        return problems;
    }

    @Test
    void theSignatureTableMatchesThePtxNvccEmitted() throws Exception {
        String ptx = NvccOutputs.read(NvccOutputs.PTX);
        assertThat(entries(ptx)).hasSize(CudaKernel.values().length);
        assertThat(mismatches(ptx)).isEmpty();
    }

    // The checks above must be able to fail: each mutation below is one of the binding mistakes they exist for.

    private static final String LINEAR = """
            .visible .entry ddimStep_convert_linear(
            	.param .u64 ddimStep_convert_linear_param_0,
            	.param .u64 ddimStep_convert_linear_param_1,
            	.param .f32 ddimStep_convert_linear_param_2,
            	.param .f32 ddimStep_convert_linear_param_3,
            	.param .u64 ddimStep_convert_linear_param_4,
            	.param .u64 ddimStep_convert_linear_param_5,
            	.param .u64 ddimStep_convert_linear_param_6
            )
            """;

    @Test
    void aMatchingEntryHasNoMismatchOfItsOwn() {
        assertThat(mismatches(LINEAR)).noneMatch(p -> p.startsWith("ddimStep_convert_linear"));
    }

    @Test
    void aMangledKernelIsCaughtEvenThoughItsNameContainsThePlainOne() {
        String mangled = LINEAR.replace("entry ddimStep_convert_linear(",
                "entry _Z23ddimStep_convert_linearPKfS0_ffxPfPi(");
        assertThat(mangled).contains("ddimStep_convert_linear");
        assertThat(mismatches(mangled)).anyMatch(p -> p.startsWith("ddimStep_convert_linear: no unmangled"))
                .anyMatch(p -> p.contains("(C++-mangled)"));
    }

    @Test
    void aParameterNarrowedToIntIsCaught() {
        String narrowed = LINEAR.replace(".param .u64 ddimStep_convert_linear_param_4",
                ".param .u32 ddimStep_convert_linear_param_4");
        assertThat(mismatches(narrowed)).anyMatch(p -> p.startsWith("ddimStep_convert_linear: PTX parameters"));
    }

    @Test
    void aMissingParameterIsCaught() {
        String shorter = LINEAR.replace("\t.param .u64 ddimStep_convert_linear_param_6\n", "")
                .replace("ddimStep_convert_linear_param_5,", "ddimStep_convert_linear_param_5");
        assertThat(entries(shorter).get("ddimStep_convert_linear")).hasSize(6);
        assertThat(mismatches(shorter)).anyMatch(p -> p.startsWith("ddimStep_convert_linear: PTX parameters"));
    }

    @Test
    void aGenericOpWithoutItsConventionKernelsIsCaught() throws Exception {
        String ptx = NvccOutputs.read(NvccOutputs.PTX);
        // as if kernels/ops.cuh had no MS_SUM_OP line for mse
        String without = ptx.replace(".entry mse_sum_partials(", ".entry mse_partials_renamed(");
        assertThat(mismatches(without)).anyMatch(p -> p.startsWith("mse_sum_partials: no unmangled"))
                .anyMatch(p -> p.startsWith("mse_partials_renamed: an entry the host never launches"));
    }
}
