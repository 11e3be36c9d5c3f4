package dev.memscope.kernels.cuda;

import static dev.memscope.kernels.cuda.CudaKernel.Param.F32;
import static dev.memscope.kernels.cuda.CudaKernel.Param.F64;
import static dev.memscope.kernels.cuda.CudaKernel.Param.I32;
import static dev.memscope.kernels.cuda.CudaKernel.Param.I64;
import static dev.memscope.kernels.cuda.CudaKernel.Param.PTR;
import static dev.memscope.kernels.cuda.CudaKernel.Param.VEC;

import java.util.List;

import dev.memscope.kernels.PixelPair;

/**
 * The signature table of every {@code extern "C"} kernel in kernels/*.cuh: its entry name, threads per block and
 * parameter list as {@link CudaOps} packs it. {@link KernelArgs} refuses a packing that differs from the table,
 * and {@code KernelSignatureTest} compares the table with the {@code .entry} declarations of {@code nvcc -ptx}
 * output, so a renamed, C++-mangled or retyped kernel fails the build instead of every launch on a GPU.
 *
 * <p>Names start with the {@link dev.memscope.kernels.call.KernelOp} name(s) they serve, so a grep for an op name
 * finds its kernels.
 */
enum CudaKernel {
    DIFF_NORM_MSE_PARTIALS("diffNorm_mse_partials", CudaContext.BLOCK, VEC, VEC, I32, I64, I32, PTR),
    GLOBAL_COSINE_PARTIALS("globalCosine_partials", CudaContext.BLOCK, VEC, VEC, I32, I64, I32, PTR),
    PIXEL_COSINE_PLAIN_VEC("pixelCosine_plain_vec", CudaContext.BLOCK, VEC, VEC, I32, I32, I32, I32, PTR),
    PIXEL_COSINE_PLAIN_SCALAR("pixelCosine_plain_scalar", CudaContext.BLOCK, PTR, PTR, I32, I32, I32, I32, PTR),
    GUIDANCE_Q_MINUS_P_VEC("guidanceAlignment_qMinusP_vec", CudaContext.BLOCK, VEC, VEC, I32, I32, I32, I32, PTR),
    GUIDANCE_Q_MINUS_P_SCALAR("guidanceAlignment_qMinusP_scalar", CudaContext.BLOCK, PTR, PTR, I32, I32, I32, I32,
            PTR),
    GUIDANCE_P_MINUS_Q_VEC("guidanceAlignment_pMinusQ_vec", CudaContext.BLOCK, VEC, VEC, I32, I32, I32, I32, PTR),
    GUIDANCE_P_MINUS_Q_SCALAR("guidanceAlignment_pMinusQ_scalar", CudaContext.BLOCK, PTR, PTR, I32, I32, I32, I32,
            PTR),
    PIXEL_COSINE_PLAIN_CHANNELS("pixelCosine_plain_channels", CudaContext.BLOCK, PTR, PTR, I32, I32, I32, PTR),
    GUIDANCE_Q_MINUS_P_CHANNELS("guidanceAlignment_qMinusP_channels", CudaContext.BLOCK, PTR, PTR, I32, I32, I32,
            PTR),
    GUIDANCE_P_MINUS_Q_CHANNELS("guidanceAlignment_pMinusQ_channels", CudaContext.BLOCK, PTR, PTR, I32, I32, I32,
            PTR),
    SUM_FINISH("diffNorm_mse_pixelCosine_finish", CudaContext.FINISH_BLOCK, PTR, I32, I32, I32, F64, PTR),
    GLOBAL_COSINE_FINISH("globalCosine_finish", CudaContext.FINISH_BLOCK, PTR, I32, I32, PTR),
    CFG_VEC("cfg_vec", CudaContext.BLOCK, VEC, VEC, PTR, I32, I64, VEC, PTR),
    CFG_SCALAR("cfg_scalar", CudaContext.BLOCK, PTR, PTR, PTR, I32, I64, PTR, PTR),
    AMG_VEC_N0_G0("amg_vec_n0_g0", CudaContext.BLOCK, amg(true)),
    AMG_VEC_N1_G0("amg_vec_n1_g0", CudaContext.BLOCK, amg(true)),
    AMG_VEC_N0_G1("amg_vec_n0_g1", CudaContext.BLOCK, amg(true)),
    AMG_VEC_N1_G1("amg_vec_n1_g1", CudaContext.BLOCK, amg(true)),
    AMG_SCALAR_N0_G0("amg_scalar_n0_g0", CudaContext.BLOCK, amg(false)),
    AMG_SCALAR_N1_G0("amg_scalar_n1_g0", CudaContext.BLOCK, amg(false)),
    AMG_SCALAR_N0_G1("amg_scalar_n0_g1", CudaContext.BLOCK, amg(false)),
    AMG_SCALAR_N1_G1("amg_scalar_n1_g1", CudaContext.BLOCK, amg(false)),
    LINEAR("ddimStep_convert_linear", CudaContext.BLOCK, VEC, VEC, F32, F32, I64, VEC, PTR),
    COPY("copy_quads", CudaContext.BLOCK, VEC, VEC, I64),
    SGEMM_NT("sgemm_nt", CudaContext.BLOCK, I32, I32, I32, I32, PTR, PTR, PTR),
    SGEMM_NN("sgemm_nn", CudaContext.BLOCK, I32, I32, I32, I32, PTR, PTR, PTR),
    SGEMM_SPLITK_SUM("sgemm_splitk_sum", CudaContext.BLOCK, PTR, I32, I64, PTR),
    SGEMV_NT("sgemv_nt", CudaContext.BLOCK, I32, I32, I32, PTR, PTR, PTR);

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

    CudaKernel(String entry, int block, Param... params) {
        this.entry = entry;
        this.block = block;
        this.params = List.of(params);
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

    static CudaKernel cfg(boolean vec) {
        return vec ? CFG_VEC : CFG_SCALAR;
    }

    static CudaKernel forEntry(String entry) {
        for (CudaKernel k : values()) {
            if (k.entry.equals(entry)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no kernel named " + entry);
    }
}
