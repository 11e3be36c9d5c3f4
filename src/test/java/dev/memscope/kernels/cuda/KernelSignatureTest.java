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

    private static final String CFG_VEC = """
            .visible .entry cfg_vec(
            	.param .u64 cfg_vec_param_0,
            	.param .u64 cfg_vec_param_1,
            	.param .u64 cfg_vec_param_2,
            	.param .u32 cfg_vec_param_3,
            	.param .u64 cfg_vec_param_4,
            	.param .u64 cfg_vec_param_5,
            	.param .u64 cfg_vec_param_6
            )
            """;

    @Test
    void aMatchingEntryHasNoMismatchOfItsOwn() {
        assertThat(mismatches(CFG_VEC)).noneMatch(p -> p.startsWith("cfg_vec"));
    }

    @Test
    void aMangledKernelIsCaughtEvenThoughItsNameContainsThePlainOne() {
        String mangled = CFG_VEC.replace("cfg_vec", "_Z7cfg_vecPKfS0_S0_ixPfPi");
        assertThat(mangled).contains("cfg_vec");
        assertThat(mismatches(mangled)).anyMatch(p -> p.startsWith("cfg_vec: no unmangled"))
                .anyMatch(p -> p.contains("(C++-mangled)"));
    }

    @Test
    void aParameterNarrowedToIntIsCaught() {
        String narrowed = CFG_VEC.replace(".param .u64 cfg_vec_param_4", ".param .u32 cfg_vec_param_4");
        assertThat(mismatches(narrowed)).anyMatch(p -> p.startsWith("cfg_vec: PTX parameters"));
    }

    @Test
    void aMissingParameterIsCaught() {
        String shorter = CFG_VEC.replace("\t.param .u64 cfg_vec_param_6\n", "").replace("cfg_vec_param_5,",
                "cfg_vec_param_5");
        assertThat(entries(shorter).get("cfg_vec")).hasSize(6);
        assertThat(mismatches(shorter)).anyMatch(p -> p.startsWith("cfg_vec: PTX parameters"));
    }
}
