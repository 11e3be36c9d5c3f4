// Per-sample reductions, stage one: grid (chunks, samples); block (c, s) reduces chunk c of sample s to double
// partials at partials[(s * chunks + c) * WIDTH + k]. Stage two (finish.cuh) adds a sample's chunks in order.
// Inputs are read-only here, so they are __restrict__ and go through the read-only data path.
#pragma once
#include "common.cuh"

// sum (x - y)^2, the difference taken in double as ScalarKernels does.
struct SquaredDiff {
    static constexpr int WIDTH = 1;
    double sum = 0.0;
    __device__ __forceinline__ void add(float x, float y) {
        const double d = (double) x - (double) y;
        sum = fma(d, d, sum);
    }
    __device__ __forceinline__ void store(double* out, double* scratch) const {
        const double t = block_sum(sum, scratch);
        if (threadIdx.x == 0) {
            out[0] = t;
        }
    }
};

// (sum x*y, sum x*x, sum y*y) for a flat cosine.
struct DotNorms {
    static constexpr int WIDTH = 3;
    double dot = 0.0;
    double xx = 0.0;
    double yy = 0.0;
    __device__ __forceinline__ void add(float xf, float yf) {
        const double x = xf;
        const double y = yf;
        dot = fma(x, y, dot);
        xx = fma(x, x, xx);
        yy = fma(y, y, yy);
    }
    __device__ __forceinline__ void store(double* out, double* scratch) const {
        const double d = block_sum(dot, scratch);
        const double a = block_sum(xx, scratch);
        const double b = block_sum(yy, scratch);
        if (threadIdx.x == 0) {
            out[0] = d;
            out[1] = a;
            out[2] = b;
        }
    }
};

// Sample s is the flat range [s*n, s*n + n). The aligned body is split into `chunks` equal runs of quads; chunk 0
// also takes the scalar head and tail, so every element is visited exactly once.
template <class Acc>
__device__ __forceinline__ void flat_partials(const float* __restrict__ x, const float* __restrict__ y,
                                              int batch, long long n, int chunks, double* __restrict__ partials) {
    __shared__ double scratch[MS_WARPS];
    const unsigned chunk = blockIdx.x;
    for (int s = blockIdx.y; s < batch; s += gridDim.y) {
        const SampleChunk c(s, n, chunk, chunks);
        const float4* x4 = reinterpret_cast<const float4*>(x + c.a0);
        const float4* y4 = reinterpret_cast<const float4*>(y + c.a0);
        Acc acc;
#pragma unroll 2
        for (unsigned q = c.qb + threadIdx.x; q < c.qe; q += MS_BLOCK) {
            const float4 p = __ldg(x4 + q);
            const float4 r = __ldg(y4 + q);
            acc.add(p.x, r.x);
            acc.add(p.y, r.y);
            acc.add(p.z, r.z);
            acc.add(p.w, r.w);
        }
        if (chunk == 0) {
            for (unsigned i = threadIdx.x; i < c.head(); i += MS_BLOCK) {
                acc.add(__ldg(x + c.start + i), __ldg(y + c.start + i));
            }
            for (unsigned i = threadIdx.x; i < c.tail(); i += MS_BLOCK) {
                acc.add(__ldg(x + c.a1 + i), __ldg(y + c.a1 + i));
            }
        }
        acc.store(partials + ((long long) s * chunks + chunk) * Acc::WIDTH, scratch);
    }
}

extern "C" __global__ void __launch_bounds__(MS_BLOCK, MS_MIN_BLOCKS)
diffNorm_partials(const float* __restrict__ a, const float* __restrict__ b, int batch, long long n, int chunks,
                      double* __restrict__ partials) {
    flat_partials<SquaredDiff>(a, b, batch, n, chunks, partials);
}

extern "C" __global__ void __launch_bounds__(MS_BLOCK, MS_MIN_BLOCKS)
globalCosine_partials(const float* __restrict__ u, const float* __restrict__ v, int batch, long long n, int chunks,
                   double* __restrict__ partials) {
    flat_partials<DotNorms>(u, v, batch, n, chunks, partials);
}

// ---- mean per-pixel cosine --------------------------------------------------------------------------------------
// The pair at a pixel is (p, second(p, q)) over the C channels, in the three forms ScalarKernels names.
enum PairMode { PLAIN = 0, Q_MINUS_P = 1, P_MINUS_Q = 2 };

template <int MODE>
__device__ __forceinline__ double second_of_pair(float p, float q) {
    if (MODE == PLAIN) {
        return (double) q;
    } else if (MODE == Q_MINUS_P) {
        return (double) q - (double) p;
    } else {
        return (double) p - (double) q;
    }
}

// Sample s holds channel c's plane at [s*C*P + c*P, ... + P). A work unit is one pixel (VEC false) or four
// neighbouring pixels read as float4 from each plane (VEC true, which requires P % 4 == 0 so that every plane
// starts 16-byte aligned). Units are split into `chunks` equal runs; the partial is the sum of the cosines.
// The channel loop is unrolled (2 float4 pairs, 4 float pairs: what fits in 64 and 40 registers without spills)
// so a thread has that many loads in flight instead of one dependent round trip per channel. The host picks the
// scalar form when the float4 form would not fill a wave (batch 1-16 of [4, 64, 64]): four times the blocks.
template <int MODE, bool VEC>
__device__ __forceinline__ void pixel_cosine_partials(const float* __restrict__ p, const float* __restrict__ q,
                                                      int batch, int channels, int pixels, int chunks,
                                                      double* __restrict__ partials) {
    __shared__ double scratch[MS_WARPS];
    // Unit indices stay below 2^31 (pixels is an int), so 32-bit unsigned loop counters cannot overflow.
    const unsigned units = VEC ? (unsigned) pixels / 4 : (unsigned) pixels;
    const unsigned per = (units + chunks - 1) / chunks;
    const unsigned ub = min(units, blockIdx.x * per);
    const unsigned ue = min(units, ub + per);
    for (int s = blockIdx.y; s < batch; s += gridDim.y) {
        const long long base = (long long) s * channels * pixels;
        double acc = 0.0;
        if (VEC) {
            const float4* p4 = reinterpret_cast<const float4*>(p + base);
            const float4* q4 = reinterpret_cast<const float4*>(q + base);
            for (unsigned u = ub + threadIdx.x; u < ue; u += MS_BLOCK) {
                double dot[4] = {0.0, 0.0, 0.0, 0.0};
                double xx[4] = {0.0, 0.0, 0.0, 0.0};
                double yy[4] = {0.0, 0.0, 0.0, 0.0};
                const float4* pc = p4 + u;
                const float4* qc = q4 + u;
#pragma unroll 2
                for (int c = 0; c < channels; ++c, pc += units, qc += units) {
                    const float4 a = __ldg(pc);
                    const float4 b = __ldg(qc);
                    const float pa[4] = {a.x, a.y, a.z, a.w};
                    const float pb[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
                    for (int l = 0; l < 4; ++l) {
                        const double x = pa[l];
                        const double y = second_of_pair<MODE>(pa[l], pb[l]);
                        dot[l] = fma(x, y, dot[l]);
                        xx[l] = fma(x, x, xx[l]);
                        yy[l] = fma(y, y, yy[l]);
                    }
                }
#pragma unroll
                for (int l = 0; l < 4; ++l) {
                    acc += clamped_cosine(dot[l], xx[l], yy[l]);
                }
            }
        } else {
            const float* ps = p + base;
            const float* qs = q + base;
            for (unsigned u = ub + threadIdx.x; u < ue; u += MS_BLOCK) {
                double dot = 0.0;
                double xx = 0.0;
                double yy = 0.0;
                const float* pc = ps + u;
                const float* qc = qs + u;
#pragma unroll 4
                for (int c = 0; c < channels; ++c, pc += units, qc += units) {
                    const float pv = __ldg(pc);
                    const double x = pv;
                    const double y = second_of_pair<MODE>(pv, __ldg(qc));
                    dot = fma(x, y, dot);
                    xx = fma(x, x, xx);
                    yy = fma(y, y, yy);
                }
                acc += clamped_cosine(dot, xx, yy);
            }
        }
        const double t = block_sum(acc, scratch);
        if (threadIdx.x == 0) {
            partials[(long long) s * chunks + blockIdx.x] = t;
        }
    }
}

#define MS_PIXEL_COSINE(NAME, MODE, VEC)                                                                          \
    extern "C" __global__ void __launch_bounds__(MS_BLOCK, MS_MIN_BLOCKS)                                                        \
    NAME(const float* __restrict__ p, const float* __restrict__ q, int batch, int channels, int pixels, int chunks, \
         double* __restrict__ partials) {                                                                         \
        pixel_cosine_partials<MODE, VEC>(p, q, batch, channels, pixels, chunks, partials);                        \
    }

MS_PIXEL_COSINE(pixelCosine_plain_vec, PLAIN, true)
MS_PIXEL_COSINE(pixelCosine_plain_scalar, PLAIN, false)
MS_PIXEL_COSINE(guidanceAlignment_qMinusP_vec, Q_MINUS_P, true)
MS_PIXEL_COSINE(guidanceAlignment_qMinusP_scalar, Q_MINUS_P, false)
MS_PIXEL_COSINE(guidanceAlignment_pMinusQ_vec, P_MINUS_Q, true)
MS_PIXEL_COSINE(guidanceAlignment_pMinusQ_scalar, P_MINUS_Q, false)

// Few pixels, many channels ([B, 4099, 1, 1]): one block per (pixel, sample) sums over the channels with all its
// threads and a fixed block-wide tree, instead of one thread walking C channels while the rest of its block idles.
// The partial of (s, pixel) is that pixel's cosine, at partials[s * pixels + pixel]; stage two adds a sample's
// pixels in order. Within a sample the offsets are 32-bit (channels * pixels < 2^31).
template <int MODE>
__device__ __forceinline__ void pixel_cosine_channels(const float* __restrict__ p, const float* __restrict__ q,
                                                      int batch, int channels, int pixels,
                                                      double* __restrict__ partials) {
    __shared__ double scratch[MS_WARPS];
    const unsigned pixel = blockIdx.x;
    const unsigned plane = (unsigned) pixels;
    for (int s = blockIdx.y; s < batch; s += gridDim.y) {
        const float* ps = p + (long long) s * channels * pixels + pixel;
        const float* qs = q + (long long) s * channels * pixels + pixel;
        double dot = 0.0;
        double xx = 0.0;
        double yy = 0.0;
        for (unsigned c = threadIdx.x; c < (unsigned) channels; c += MS_BLOCK) {
            const float pv = __ldg(ps + c * plane);
            const double x = pv;
            const double y = second_of_pair<MODE>(pv, __ldg(qs + c * plane));
            dot = fma(x, y, dot);
            xx = fma(x, x, xx);
            yy = fma(y, y, yy);
        }
        dot = block_sum(dot, scratch);
        xx = block_sum(xx, scratch);
        yy = block_sum(yy, scratch);
        if (threadIdx.x == 0) {
            partials[(long long) s * pixels + pixel] = clamped_cosine(dot, xx, yy);
        }
    }
}

#define MS_PIXEL_COSINE_CHANNELS(NAME, MODE)                                                                       \
    extern "C" __global__ void __launch_bounds__(MS_BLOCK)                                                         \
    NAME(const float* __restrict__ p, const float* __restrict__ q, int batch, int channels, int pixels,            \
         double* __restrict__ partials) {                                                                         \
        pixel_cosine_channels<MODE>(p, q, batch, channels, pixels, partials);                                     \
    }

MS_PIXEL_COSINE_CHANNELS(pixelCosine_plain_channels, PLAIN)
MS_PIXEL_COSINE_CHANNELS(guidanceAlignment_qMinusP_channels, Q_MINUS_P)
MS_PIXEL_COSINE_CHANNELS(guidanceAlignment_pMinusQ_channels, P_MINUS_Q)

// ---- stage two ---------------------------------------------------------------------------------------------------

// One warp per sample adds the sample's chunk partials in a fixed order. mode 0: out = sqrt(sum) (difference
// norm); mode 1: out = sum / divisor (mean pixel cosine).
extern "C" __global__ void __launch_bounds__(MS_FINISH)
diffNorm_pixelCosine_finish(const double* __restrict__ partials, int batch, int chunks, int mode, double divisor,
           float* __restrict__ out) {
    for (int s = blockIdx.x; s < batch; s += gridDim.x) {
        double t = 0.0;
        for (int i = threadIdx.x; i < chunks; i += MS_FINISH) {
            t += partials[(long long) s * chunks + i];
        }
        t = warp_sum(t);
        if (threadIdx.x == 0) {
            out[s] = (float) (mode == 0 ? sqrt(t) : t / divisor);
        }
    }
}

// Flat cosine from DotNorms partials.
extern "C" __global__ void __launch_bounds__(MS_FINISH)
globalCosine_finish(const double* __restrict__ partials, int batch, int chunks, float* __restrict__ out) {
    for (int s = blockIdx.x; s < batch; s += gridDim.x) {
        double dot = 0.0;
        double xx = 0.0;
        double yy = 0.0;
        for (int i = threadIdx.x; i < chunks; i += MS_FINISH) {
            const double* part = partials + ((long long) s * chunks + i) * DotNorms::WIDTH;
            dot += part[0];
            xx += part[1];
            yy += part[2];
        }
        dot = warp_sum(dot);
        xx = warp_sum(xx);
        yy = warp_sum(yy);
        if (threadIdx.x == 0) {
            out[s] = (float) clamped_cosine(dot, xx, yy);
        }
    }
}
