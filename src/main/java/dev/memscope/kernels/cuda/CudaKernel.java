package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaKernel.Param.F32;
import static dev.memscope.kernels.cuda.CudaKernel.Param.F64;
import static dev.memscope.kernels.cuda.CudaKernel.Param.I32;
import static dev.memscope.kernels.cuda.CudaKernel.Param.I64;
import static dev.memscope.kernels.cuda.CudaKernel.Param.PTR;
import static dev.memscope.kernels.cuda.CudaKernel.Param.VEC;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.memscope.kernels.KernelOp;
import dev.memscope.kernels.PixelPair;

/**
 * The signature table of every {@code extern "C"} kernel in kernels/*.cuh: its entry name, threads per block and
 * parameter list as {@link CudaOps} packs it. The fused ops' kernels are listed here; the kernels of the ops on
 * the generic path ({@link KernelOp#generic()}) are derived from the op's name by kernels/ops.cuh's convention.
 * {@link KernelArgs} refuses a packing that differs from the table, and {@code KernelSignatureTest} compares the
 * table with the {@code .entry} declarations of {@code nvcc -ptx} output, so a renamed, C++-mangled or retyped
 * kernel fails the build instead of every launch on a GPU.
 *
 * <p>Names start with the {@link dev.memscope.kernels.KernelOp} name(s) they serve, so a grep for an op name
 * finds its kernels.
 */
final class CudaKernel {
    private static final List<CudaKernel> FIXED = new ArrayList<>();

    static final CudaKernel DIFF_NORM_PARTIALS = fixed("diffNorm_partials", CudaContext.BLOCK,
            VEC, VEC, I32, I64, I32, PTR);
    static final CudaKernel GLOBAL_COSINE_PARTIALS = fixed("globalCosine_partials", CudaContext.BLOCK,
            VEC, VEC, I32, I64, I32, PTR);
    static final CudaKernel PIXEL_COSINE_PLAIN_VEC = fixed("pixelCosine_plain_vec", CudaContext.BLOCK,
            VEC, VEC, I32, I32, I32, I32, PTR);
    static final CudaKernel PIXEL_COSINE_PLAIN_SCALAR = fixed("pixelCosine_plain_scalar", CudaContext.BLOCK,
            PTR, PTR, I32, I32, I32, I32, PTR);
    static final CudaKernel GUIDANCE_Q_MINUS_P_VEC = fixed("guidanceAlignment_qMinusP_vec", CudaContext.BLOCK,
            VEC, VEC, I32, I32, I32, I32, PTR);
    static final CudaKernel GUIDANCE_Q_MINUS_P_SCALAR = fixed("guidanceAlignment_qMinusP_scalar", CudaContext.BLOCK,
            PTR, PTR, I32, I32, I32, I32, PTR);
    static final CudaKernel GUIDANCE_P_MINUS_Q_VEC = fixed("guidanceAlignment_pMinusQ_vec", CudaContext.BLOCK,
            VEC, VEC, I32, I32, I32, I32, PTR);
    static final CudaKernel GUIDANCE_P_MINUS_Q_SCALAR = fixed("guidanceAlignment_pMinusQ_scalar", CudaContext.BLOCK,
            PTR, PTR, I32, I32, I32, I32, PTR);
    static final CudaKernel PIXEL_COSINE_PLAIN_CHANNELS = fixed("pixelCosine_plain_channels", CudaContext.BLOCK,
            PTR, PTR, I32, I32, I32, PTR);
    static final CudaKernel GUIDANCE_Q_MINUS_P_CHANNELS = fixed("guidanceAlignment_qMinusP_channels", CudaContext.BLOCK,
            PTR, PTR, I32, I32, I32, PTR);
    static final CudaKernel GUIDANCE_P_MINUS_Q_CHANNELS = fixed("guidanceAlignment_pMinusQ_channels", CudaContext.BLOCK,
            PTR, PTR, I32, I32, I32, PTR);
    static final CudaKernel SUM_FINISH = fixed("diffNorm_pixelCosine_finish", CudaContext.FINISH_BLOCK,
            PTR, I32, I32, I32, F64, PTR);
    static final CudaKernel GLOBAL_COSINE_FINISH = fixed("globalCosine_finish", CudaContext.FINISH_BLOCK,
            PTR, I32, I32, PTR);
    static final CudaKernel AMG_VEC_N0_G0 = fixed("amg_vec_n0_g0", CudaContext.BLOCK, amg(true));
    static final CudaKernel AMG_VEC_N1_G0 = fixed("amg_vec_n1_g0", CudaContext.BLOCK, amg(true));
    static final CudaKernel AMG_VEC_N0_G1 = fixed("amg_vec_n0_g1", CudaContext.BLOCK, amg(true));
    static final CudaKernel AMG_VEC_N1_G1 = fixed("amg_vec_n1_g1", CudaContext.BLOCK, amg(true));
    static final CudaKernel AMG_SCALAR_N0_G0 = fixed("amg_scalar_n0_g0", CudaContext.BLOCK, amg(false));
    static final CudaKernel AMG_SCALAR_N1_G0 = fixed("amg_scalar_n1_g0", CudaContext.BLOCK, amg(false));
    static final CudaKernel AMG_SCALAR_N0_G1 = fixed("amg_scalar_n0_g1", CudaContext.BLOCK, amg(false));
    static final CudaKernel AMG_SCALAR_N1_G1 = fixed("amg_scalar_n1_g1", CudaContext.BLOCK, amg(false));
    static final CudaKernel LINEAR = fixed("ddimStep_convert_linear", CudaContext.BLOCK,
            VEC, VEC, F32, F32, I64, VEC, PTR);
    static final CudaKernel COPY = fixed("copy_quads", CudaContext.BLOCK, VEC, VEC, I64);
    static final CudaKernel SGEMM_NT = fixed("sgemm_nt", CudaContext.BLOCK, I32, I32, I32, I32, PTR, PTR, PTR);
    static final CudaKernel SGEMM_NN = fixed("sgemm_nn", CudaContext.BLOCK, I32, I32, I32, I32, PTR, PTR, PTR);
    static final CudaKernel SGEMM_SPLITK_SUM = fixed("sgemm_splitk_sum", CudaContext.BLOCK, PTR, I32, I64, PTR);
    static final CudaKernel SGEMV_NT = fixed("sgemv_nt", CudaContext.BLOCK, I32, I32, I32, PTR, PTR, PTR);

    /** The kernels of the ops on the generic path, by the naming convention of kernels/ops.cuh. */
    private static final Map<KernelOp, List<CudaKernel>> GENERIC = new LinkedHashMap<>();
    private static final CudaKernel[] ALL;

    static {
        List<CudaKernel> all = new ArrayList<>(FIXED);
        for (KernelOp op : KernelOp.generics()) {
            String n = op.cliName();
            // inputs in0..in3 (float4 where the form reads them so), params, batch, n, ...
            List<CudaKernel> forms = op.perSample()
                    ? List.of(
                            new CudaKernel(n + "_sum_partials", CudaContext.BLOCK,
                                    VEC, VEC, VEC, VEC, PTR, I32, I64, I32, PTR),
                            new CudaKernel(n + "_sum_finish", CudaContext.FINISH_BLOCK,
                                    PTR, PTR, I32, I32, I64, PTR))
                    : List.of(
                            new CudaKernel(n + "_map_vec", CudaContext.BLOCK,
                                    VEC, VEC, VEC, VEC, PTR, I32, I64, VEC, PTR),
                            new CudaKernel(n + "_map_scalar", CudaContext.BLOCK,
                                    PTR, PTR, PTR, PTR, PTR, I32, I64, PTR, PTR));
            GENERIC.put(op, forms);
            all.addAll(forms);
        }
        ALL = all.toArray(new CudaKernel[0]);
    }


    /**
     * A kernel parameter as the host packs it, with the PTX type nvcc declares for it. {@link #VEC} is a device
     * pointer the kernel reads or writes as float4, so it must be 16-byte aligned (PTX cannot tell it, or a
     * 64-bit integer, from any other pointer: all are {@code .u64}).
     */
    enum Param {
        PTR(".u64"), VEC(".u64"), I32(".u32"), I64(".u64"), F32(".f32"), F64(".f64");

        private final String ptxType;

        Param(String ptxType) {
            this.ptxType = ptxType;
        }

        String ptxType() {
            return ptxType;
        }
    }

    private final String entry;
    private final int block;
    private final List<Param> params;

    private CudaKernel(String entry, int block, Param... params) {
        this.entry = entry;
        this.block = block;
        this.params = List.of(params);
    }

    private static CudaKernel fixed(String entry, int block, Param... params) {
        CudaKernel k = new CudaKernel(entry, block, params);
        FIXED.add(k);
        return k;
    }

    /** Every kernel of the module: the fixed table in order, then the generic ops' kernels. */
    static CudaKernel[] values() {
        return ALL.clone();
    }

    /** Stage one of a per-sample op on the generic path: {@code NAME_sum_partials}. */
    static CudaKernel sumPartials(KernelOp op) {
        return generic(op, true).get(0);
    }

    /** Stage two: {@code NAME_sum_finish}. */
    static CudaKernel sumFinish(KernelOp op) {
        return generic(op, true).get(1);
    }

    /** An elementwise op on the generic path: {@code NAME_map_vec} or {@code NAME_map_scalar}. */
    static CudaKernel map(KernelOp op, boolean vec) {
        return generic(op, false).get(vec ? 0 : 1);
    }

    private static List<CudaKernel> generic(KernelOp op, boolean perSample) {
        List<CudaKernel> forms = GENERIC.get(op);
        if (forms == null || op.perSample() != perSample) {
            throw new IllegalArgumentException(op.cliName() + " is not a " + (perSample ? "per-sample" : "elementwise")
                    + " op on the generic path");
        }
        return forms;
    }

    @Override
    public String toString() {
        return entry;
    }

    /** eps_u, eps_c, eps_n, g (float4 in the vec form), guide, dedup, dissim, batch, n, out, nonfinite. */
    private static Param[] amg(boolean vec) {
        Param t = vec ? VEC : PTR;
        return new Param[] {t, t, t, t, PTR, PTR, PTR, I32, I64, t, PTR};
    }

    /** The unmangled entry name in the module. */
    String entry() {
        return entry;
    }

    /** Threads per block the kernel is launched with (its {@code __launch_bounds__}). */
    int block() {
        return block;
    }

    List<Param> params() {
        return params;
    }

    /** Starts packing this kernel's arguments. */
    KernelArgs args() {
        return new KernelArgs(this);
    }

    static CudaKernel pixelCosine(PixelPair pair, boolean vec) {
        return switch (pair) {
            case PLAIN -> vec ? PIXEL_COSINE_PLAIN_VEC : PIXEL_COSINE_PLAIN_SCALAR;
            case Q_MINUS_P -> vec ? GUIDANCE_Q_MINUS_P_VEC : GUIDANCE_Q_MINUS_P_SCALAR;
            case P_MINUS_Q -> vec ? GUIDANCE_P_MINUS_Q_VEC : GUIDANCE_P_MINUS_Q_SCALAR;
        };
    }

    /** The block-per-pixel form that sums over channels with the whole block (few pixels, many channels). */
    static CudaKernel pixelCosineChannels(PixelPair pair) {
        return switch (pair) {
            case PLAIN -> PIXEL_COSINE_PLAIN_CHANNELS;
            case Q_MINUS_P -> GUIDANCE_Q_MINUS_P_CHANNELS;
            case P_MINUS_Q -> GUIDANCE_P_MINUS_Q_CHANNELS;
        };
    }

    static CudaKernel amg(boolean vec, boolean hasN, boolean hasG) {
        int i = (hasN ? 1 : 0) + (hasG ? 2 : 0);
        CudaKernel[] vecs = {AMG_VEC_N0_G0, AMG_VEC_N1_G0, AMG_VEC_N0_G1, AMG_VEC_N1_G1};
        CudaKernel[] scalars = {AMG_SCALAR_N0_G0, AMG_SCALAR_N1_G0, AMG_SCALAR_N0_G1, AMG_SCALAR_N1_G1};
        return vec ? vecs[i] : scalars[i];
    }

    static CudaKernel forEntry(String entry) {
        for (CudaKernel k : ALL) {
            if (k.entry.equals(entry)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no kernel named " + entry);
    }
}
