// Elementwise update kernels of the fused ops (cfg, on the generic path, is in ops.cuh). Each result is computed
// with explicitly rounded float operations (__fadd_rn and friends cannot be contracted into FMA), in the order
// ScalarKernels writes them, so the output is bit-identical to the scalar backend. The output may alias an input:
// every element is read and then written by the same thread, so no pointer here is __restrict__.
//
// Launch bounds: block size only. A minimum-blocks hint (MS_MIN_BLOCKS) lets ptxas use up to 64 registers, and it
// did (40-62), for kernels that need 20-40 without it; fewer registers is more resident blocks per SM.
//
// Layout: grid (chunks, samples); block (c, s) walks sample s with a block-stride loop starting at chunk c.
// The vector form needs n % 4 == 0 (every sample starts 16-byte aligned and no quad straddles two samples);
// other sizes take the scalar form. A thread that writes a non-finite value sets *nonfinite = 1 (the flag is
// zeroed before the launch; every writer stores the same value, so the result does not depend on order).
#pragma once
#include "common.cuh"

// AMG: r = u + guide*(c - u); r += dedup*(u - n) when HAS_N; r += dissim*g when HAS_G.
// guide = (float)(s0 - s1[b]) and dissim = (float)(c3[b] * sqrt(1 - abar_t)) are rounded on the host in double,
// as ScalarKernels does. Each combination of optional terms is its own kernel, so an absent term costs nothing
// and its pointers (eps_n/dedup, g/dissim) are never read (the host passes null).
template <bool HAS_N, bool HAS_G>
__device__ __forceinline__ float amg_one(float u, float c, float nv, float gv, float guide, float dedup,
                                         float dissim) {
    float r = __fadd_rn(u, __fmul_rn(guide, __fsub_rn(c, u)));
    if (HAS_N) {
        r = __fadd_rn(r, __fmul_rn(dedup, __fsub_rn(u, nv)));
    }
    if (HAS_G) {
        r = __fadd_rn(r, __fmul_rn(dissim, gv));
    }
    return r;
}

template <bool VEC, bool HAS_N, bool HAS_G>
__device__ __forceinline__ void amg_body(const float* eps_u, const float* eps_c, const float* eps_n, const float* g,
                                         const float* guide, const float* dedup, const float* dissim, int batch,
                                         long long n, float* out, int* nonfinite) {
    bool bad = false;
    // Indices within a sample are 32-bit: the host's Shape keeps a sample below 2^31 floats, and an unsigned
    // index plus a stride of one wave of threads stays below 2^32. Only the sample's base offset needs 64 bits.
    const unsigned per = (unsigned) n;
    const unsigned stride = gridDim.x * MS_BLOCK;
    for (int s = blockIdx.y; s < batch; s += gridDim.y) {
        const float kg = guide[s];
        const float kn = HAS_N ? dedup[s] : 0.0f;
        const float kd = HAS_G ? dissim[s] : 0.0f;
        const long long start = (long long) s * n;
        const float* us = eps_u + start;
        const float* cs = eps_c + start;
        const float* ns = HAS_N ? eps_n + start : eps_n;
        const float* gs = HAS_G ? g + start : g;
        float* os = out + start;
        if (VEC) {
            const unsigned quads = per >> 2;
            const float4* u4 = reinterpret_cast<const float4*>(us);
            const float4* c4 = reinterpret_cast<const float4*>(cs);
            const float4* n4 = reinterpret_cast<const float4*>(ns);
            const float4* g4 = reinterpret_cast<const float4*>(gs);
            float4* o4 = reinterpret_cast<float4*>(os);
            for (unsigned i = blockIdx.x * MS_BLOCK + threadIdx.x; i < quads; i += stride) {
                const float4 u = u4[i];
                const float4 c = c4[i];
                float4 nv = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
                float4 gv = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
                if (HAS_N) {
                    nv = n4[i];
                }
                if (HAS_G) {
                    gv = g4[i];
                }
                float4 r;
                r.x = amg_one<HAS_N, HAS_G>(u.x, c.x, nv.x, gv.x, kg, kn, kd);
                r.y = amg_one<HAS_N, HAS_G>(u.y, c.y, nv.y, gv.y, kg, kn, kd);
                r.z = amg_one<HAS_N, HAS_G>(u.z, c.z, nv.z, gv.z, kg, kn, kd);
                r.w = amg_one<HAS_N, HAS_G>(u.w, c.w, nv.w, gv.w, kg, kn, kd);
                bad |= !all_finite(r);
                o4[i] = r;
            }
        } else {
            for (unsigned i = blockIdx.x * MS_BLOCK + threadIdx.x; i < per; i += stride) {
                const float nv = HAS_N ? ns[i] : 0.0f;
                const float gv = HAS_G ? gs[i] : 0.0f;
                const float r = amg_one<HAS_N, HAS_G>(us[i], cs[i], nv, gv, kg, kn, kd);
                bad |= !isfinite(r);
                os[i] = r;
            }
        }
    }
    if (bad) {
        *nonfinite = 1;
    }
}

// amg_{vec,scalar}_n{0,1}_g{0,1}: the eight combinations of layout and optional terms.
#define MS_AMG(NAME, VEC, HAS_N, HAS_G)                                                                          \
    extern "C" __global__ void __launch_bounds__(MS_BLOCK)                                                       \
    NAME(const float* eps_u, const float* eps_c, const float* eps_n, const float* g, const float* guide,         \
         const float* dedup, const float* dissim, int batch, long long n, float* out, int* nonfinite) {          \
        amg_body<VEC, HAS_N, HAS_G>(eps_u, eps_c, eps_n, g, guide, dedup, dissim, batch, n, out, nonfinite);     \
    }

MS_AMG(amg_vec_n0_g0, true, false, false)
MS_AMG(amg_vec_n1_g0, true, true, false)
MS_AMG(amg_vec_n0_g1, true, false, true)
MS_AMG(amg_vec_n1_g1, true, true, true)
MS_AMG(amg_scalar_n0_g0, false, false, false)
MS_AMG(amg_scalar_n1_g0, false, true, false)
MS_AMG(amg_scalar_n0_g1, false, false, true)
MS_AMG(amg_scalar_n1_g1, false, true, true)

// out = alpha*x + beta*y over the whole flat tensor (the DDIM step and every conversion), with alpha and beta
// rounded to float on the host. A 1-D grid strides over the whole quads; the last total % 4 elements go to the
// first threads of the grid.
extern "C" __global__ void __launch_bounds__(MS_BLOCK)
ddimStep_convert_linear(const float* x, const float* y, float alpha, float beta, long long total, float* out,
                   int* nonfinite) {
    bool bad = false;
    const long long first = (long long) blockIdx.x * MS_BLOCK + threadIdx.x;
    const long long stride = (long long) gridDim.x * MS_BLOCK;
    const long long quads = total >> 2;
    const float4* x4 = reinterpret_cast<const float4*>(x);
    const float4* y4 = reinterpret_cast<const float4*>(y);
    float4* o4 = reinterpret_cast<float4*>(out);
    for (long long i = first; i < quads; i += stride) {
        const float4 a = x4[i];
        const float4 b = y4[i];
        float4 r;
        r.x = __fadd_rn(__fmul_rn(alpha, a.x), __fmul_rn(beta, b.x));
        r.y = __fadd_rn(__fmul_rn(alpha, a.y), __fmul_rn(beta, b.y));
        r.z = __fadd_rn(__fmul_rn(alpha, a.z), __fmul_rn(beta, b.z));
        r.w = __fadd_rn(__fmul_rn(alpha, a.w), __fmul_rn(beta, b.w));
        bad |= !all_finite(r);
        o4[i] = r;
    }
    const long long t = quads * 4 + first;
    if (t < total) {
        const float r = __fadd_rn(__fmul_rn(alpha, x[t]), __fmul_rn(beta, y[t]));
        bad |= !isfinite(r);
        out[t] = r;
    }
    if (bad) {
        *nonfinite = 1;
    }
}

// Device-to-device copy of whole quads: the bandwidth probe the timings are compared with.
extern "C" __global__ void __launch_bounds__(MS_BLOCK)
copy_quads(const float4* __restrict__ src, float4* __restrict__ dst, long long quads) {
    const long long stride = (long long) gridDim.x * MS_BLOCK;
    for (long long i = (long long) blockIdx.x * MS_BLOCK + threadIdx.x; i < quads; i += stride) {
        dst[i] = src[i];
    }
}
