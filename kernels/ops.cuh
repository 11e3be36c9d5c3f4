// Kernels of the ops on the generic path (KernelOp.generic(): required inputs only, per-sample parameters only).
// An op is a struct; MS_SUM_OP / MS_MAP_OP emit its extern "C" kernels under names the host derives from the op's
// name (CudaKernel.sumPartials, sumFinish, map), each form with one parameter list, so the host launches any of
// them without code of its own (CudaOps.generic):
//   NAME_sum_partials(in0, in1, in2, in3, params, batch, n, chunks, partials)  per-sample reduction, stage one
//   NAME_sum_finish(partials, params, batch, chunks, n, out)                    stage two, one warp per sample
//   NAME_map_vec, NAME_map_scalar(in0, in1, in2, in3, params, batch, n, out, nonfinite)  elementwise
// in0..in3 are the op's inputs in formula order (unused ones NULL); parameter k of sample s is params[k*batch + s].
//
// A sum op defines INPUTS, PARAMS, TERMS (doubles per partial, at most MS_MAX_TERMS), add(acc, v, p) for the INPUTS
// values v of one element, and finish(sums, p, n). A map op defines INPUTS, PARAMS and apply(v, p), written with
// explicitly rounded float operations (__fadd_rn and friends) in ScalarKernels' order, so the result is
// bit-identical to it. Host reference of each op: its case in ScalarKernels.runImpl.
//
// Geometry and precision are those of reductions.cuh's flat_partials and the fused elementwise kernels: grid
// (chunks, samples), double accumulation with fma, block partials added in chunk order (no atomics).
#pragma once
#include "common.cuh"

#define MS_MAX_INPUTS 4   // OpArgs.MAX_INPUTS
#define MS_MAX_PARAMS 4   // OpArgs.MAX_PARAMS
#define MS_MAX_TERMS 4    // CudaOps.MAX_TERMS: the stride of a partial, in doubles

template <class Op>
__device__ __forceinline__ void load_params(const float* params, int batch, int s, float* p) {
#pragma unroll
    for (int k = 0; k < Op::PARAMS; ++k) {
        p[k] = params[(long long) k * batch + s];
    }
}

// Stage one: block (c, s) reduces chunk c of sample s to Op::TERMS doubles at partials[(s*chunks + c)*MS_MAX_TERMS].
// The aligned body of each sample is read as float4 (every input is a cuMemAlloc base, so a multiple of 4 floats
// from it is 16-byte aligned); chunk 0 also takes the scalar head and tail (aligned_split).
template <class Op>
__device__ __forceinline__ void sum_partials(const float* in0, const float* in1, const float* in2, const float* in3,
                                             const float* __restrict__ params, int batch, long long n, int chunks,
                                             double* __restrict__ partials) {
    __shared__ double scratch[MS_WARPS];
    const float* in[MS_MAX_INPUTS] = {in0, in1, in2, in3};
    const unsigned chunk = blockIdx.x;
    for (int s = blockIdx.y; s < batch; s += gridDim.y) {
        float p[MS_MAX_PARAMS];
        load_params<Op>(params, batch, s, p);
        const SampleChunk c(s, n, chunk, chunks);
        double acc[Op::TERMS];
#pragma unroll
        for (int t = 0; t < Op::TERMS; ++t) {
            acc[t] = 0.0;
        }
        const float4* in4[Op::INPUTS];
#pragma unroll
        for (int k = 0; k < Op::INPUTS; ++k) {
            in4[k] = reinterpret_cast<const float4*>(in[k] + c.a0);
        }
        float v[Op::INPUTS];
#pragma unroll 2
        for (unsigned q = c.qb + threadIdx.x; q < c.qe; q += MS_BLOCK) {
            float4 r[Op::INPUTS];
#pragma unroll
            for (int k = 0; k < Op::INPUTS; ++k) {
                r[k] = __ldg(in4[k] + q);
            }
#pragma unroll
            for (int l = 0; l < 4; ++l) {
#pragma unroll
                for (int k = 0; k < Op::INPUTS; ++k) {
                    v[k] = lane(r[k], l);
                }
                Op::add(acc, v, p);
            }
        }
        if (chunk == 0) {
            for (unsigned i = threadIdx.x; i < c.head(); i += MS_BLOCK) {
#pragma unroll
                for (int k = 0; k < Op::INPUTS; ++k) {
                    v[k] = __ldg(in[k] + c.start + i);
                }
                Op::add(acc, v, p);
            }
            for (unsigned i = threadIdx.x; i < c.tail(); i += MS_BLOCK) {
#pragma unroll
                for (int k = 0; k < Op::INPUTS; ++k) {
                    v[k] = __ldg(in[k] + c.a1 + i);
                }
                Op::add(acc, v, p);
            }
        }
        double* out = partials + ((long long) s * chunks + chunk) * MS_MAX_TERMS;
#pragma unroll
        for (int t = 0; t < Op::TERMS; ++t) {
            const double total = block_sum(acc[t], scratch);
            if (threadIdx.x == 0) {
                out[t] = total;
            }
        }
    }
}

// Stage two: one warp per sample adds the sample's chunk partials in a fixed order, then Op::finish.
template <class Op>
__device__ __forceinline__ void sum_finish(const double* __restrict__ partials, const float* __restrict__ params,
                                           int batch, int chunks, long long n, float* __restrict__ out) {
    for (int s = blockIdx.x; s < batch; s += gridDim.x) {
        double sums[Op::TERMS];
#pragma unroll
        for (int t = 0; t < Op::TERMS; ++t) {
            sums[t] = 0.0;
        }
        for (int i = threadIdx.x; i < chunks; i += MS_FINISH) {
            const double* part = partials + ((long long) s * chunks + i) * MS_MAX_TERMS;
#pragma unroll
            for (int t = 0; t < Op::TERMS; ++t) {
                sums[t] += part[t];
            }
        }
#pragma unroll
        for (int t = 0; t < Op::TERMS; ++t) {
            sums[t] = warp_sum(sums[t]);
        }
        if (threadIdx.x == 0) {
            float p[MS_MAX_PARAMS];
            load_params<Op>(params, batch, s, p);
            out[s] = Op::finish(sums, p, n);
        }
    }
}

// Elementwise: grid (chunks, samples), block (c, s) walks sample s with a block-stride loop from chunk c; VEC (n % 4
// == 0) reads and writes float4. The output may alias an input: each element is read, then written, by one thread,
// so nothing here is __restrict__. A thread that writes a non-finite value sets *nonfinite = 1.
template <class Op, bool VEC>
__device__ __forceinline__ void map_body(const float* in0, const float* in1, const float* in2, const float* in3,
                                         const float* params, int batch, long long n, float* out, int* nonfinite) {
    bool bad = false;
    const float* in[MS_MAX_INPUTS] = {in0, in1, in2, in3};
    // 32-bit indices within a sample (the host's Shape keeps a sample below 2^31 floats)
    const unsigned per = (unsigned) n;
    const unsigned stride = gridDim.x * MS_BLOCK;
    for (int s = blockIdx.y; s < batch; s += gridDim.y) {
        float p[MS_MAX_PARAMS];
        load_params<Op>(params, batch, s, p);
        const long long start = (long long) s * n;
        float* os = out + start;
        float v[Op::INPUTS];
        if (VEC) {
            const unsigned quads = per >> 2;
            float4* o4 = reinterpret_cast<float4*>(os);
            for (unsigned i = blockIdx.x * MS_BLOCK + threadIdx.x; i < quads; i += stride) {
                float4 x[Op::INPUTS];
#pragma unroll
                for (int k = 0; k < Op::INPUTS; ++k) {
                    x[k] = reinterpret_cast<const float4*>(in[k] + start)[i];
                }
                float4 r;
#pragma unroll
                for (int l = 0; l < 4; ++l) {
#pragma unroll
                    for (int k = 0; k < Op::INPUTS; ++k) {
                        v[k] = lane(x[k], l);
                    }
                    set_lane(r, l, Op::apply(v, p));
                }
                bad |= !all_finite(r);
                o4[i] = r;
            }
        } else {
            for (unsigned i = blockIdx.x * MS_BLOCK + threadIdx.x; i < per; i += stride) {
#pragma unroll
                for (int k = 0; k < Op::INPUTS; ++k) {
                    v[k] = in[k][start + i];
                }
                const float r = Op::apply(v, p);
                bad |= !isfinite(r);
                os[i] = r;
            }
        }
    }
    if (bad) {
        *nonfinite = 1;
    }
}

#define MS_SUM_OP(PARTIALS, FINISH, OP)                                                                           \
    extern "C" __global__ void __launch_bounds__(MS_BLOCK, MS_MIN_BLOCKS)                                         \
    PARTIALS(const float* in0, const float* in1, const float* in2, const float* in3, const float* params,         \
             int batch, long long n, int chunks, double* partials) {                                              \
        sum_partials<OP>(in0, in1, in2, in3, params, batch, n, chunks, partials);                                 \
    }                                                                                                             \
    extern "C" __global__ void __launch_bounds__(MS_FINISH)                                                       \
    FINISH(const double* partials, const float* params, int batch, int chunks, long long n, float* out) {         \
        sum_finish<OP>(partials, params, batch, chunks, n, out);                                                  \
    }

#define MS_MAP_OP(VEC_NAME, SCALAR_NAME, OP)                                                                      \
    extern "C" __global__ void __launch_bounds__(MS_BLOCK)                                                        \
    VEC_NAME(const float* in0, const float* in1, const float* in2, const float* in3, const float* params,         \
             int batch, long long n, float* out, int* nonfinite) {                                                \
        map_body<OP, true>(in0, in1, in2, in3, params, batch, n, out, nonfinite);                                 \
    }                                                                                                             \
    extern "C" __global__ void __launch_bounds__(MS_BLOCK)                                                        \
    SCALAR_NAME(const float* in0, const float* in1, const float* in2, const float* in3, const float* params,      \
                int batch, long long n, float* out, int* nonfinite) {                                             \
        map_body<OP, false>(in0, in1, in2, in3, params, batch, n, out, nonfinite);                                \
    }

// ---- the ops ----------------------------------------------------------------------------------------------------

// mse: mean over the sample of (pred - target)^2, the difference taken in double as ScalarKernels does.
struct MseOp {
    static constexpr int INPUTS = 2;
    static constexpr int PARAMS = 0;
    static constexpr int TERMS = 1;
    __device__ static __forceinline__ void add(double* acc, const float* v, const float*) {
        const double d = (double) v[0] - (double) v[1];
        acc[0] = fma(d, d, acc[0]);
    }
    __device__ static __forceinline__ float finish(const double* sums, const float*, long long n) {
        return (float) (sums[0] / (double) n);
    }
};
MS_SUM_OP(mse_sum_partials, mse_sum_finish, MseOp)

// cfg: eps_u + scale[s] * (eps_c - eps_u); inputs (eps_u, eps_c), parameter scale.
struct CfgOp {
    static constexpr int INPUTS = 2;
    static constexpr int PARAMS = 1;
    __device__ static __forceinline__ float apply(const float* v, const float* p) {
        return __fadd_rn(v[0], __fmul_rn(p[0], __fsub_rn(v[1], v[0])));
    }
};
MS_MAP_OP(cfg_map_vec, cfg_map_scalar, CfgOp)
