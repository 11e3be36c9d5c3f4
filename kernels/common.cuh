// Shared pieces of the MemScope kernels: block size, deterministic warp/block sums, the clamped cosine.
//
// Precision choice (documented once, here): every reduction converts its float inputs to double and accumulates
// in double, per thread, per warp and per block, and the second stage adds the block partials in double.
// Float accumulation cannot meet the contract: squares of 1e-20 (1e-40) are subnormal in float and lose all
// precision, and 16384 squares of 1e18 (1.6e40) overflow float's 3.4e38, while the inputs and the final results
// are representable. Scaling by a running maximum would need a second pass or extra registers per element.
// sm_80 and sm_90 run FP64 at half the FP32 rate, so these kernels stay memory-bound: a [4,64,64] cosine needs
// about 3 DFMA per 8 bytes read, a few percent of the FP64 peak at full HBM bandwidth.
//
// Determinism: no atomics. Each thread visits a fixed sequence of elements, the warp sum is a fixed shuffle tree,
// warp totals are added in warp order, and block partials are added by a second kernel in chunk order, so the
// same inputs, shape and chunk count give bit-identical results on every run.
#pragma once

#define MS_BLOCK 256              // threads per block of every reduction and elementwise kernel
#define MS_WARPS (MS_BLOCK / 32)
// Resident blocks per SM asked of ptxas (__launch_bounds__) by the heavy kernels (reductions, GEMM): 4 x 256
// threads caps a thread at 64 registers, which the double accumulators of the per-pixel cosine need without
// spilling. The light elementwise kernels omit it: with it ptxas used up to the 64-register cap (44-62), without
// it 20-40, so more of their blocks fit on an SM. The host does not assume either number: it asks the driver
// (cuOccupancyMaxActiveBlocksPerMultiprocessor) per kernel, and OccupancyCheckTest checks the ptxas log.
#define MS_MIN_BLOCKS 4
#define MS_FINISH 32              // threads per block of the second-stage (finish) kernels: one warp per sample
#define MS_COSINE_EPS 1e-8        // ScoreKernels.COSINE_EPS: clamp on each vector norm

__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_down_sync(0xffffffffu, v, offset);
    }
    return v;
}

// The float form of warp_sum, for the GEMV (float accumulation like the tiled GEMM); same fixed tree.
__device__ __forceinline__ float warp_sum_f(float v) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_down_sync(0xffffffffu, v, offset);
    }
    return v;
}

// Sum over the block of MS_BLOCK threads; the result is valid in thread 0. Every thread must call it (it
// synchronizes), and `scratch` (MS_WARPS doubles of shared memory) may be reused right after it returns.
__device__ __forceinline__ double block_sum(double v, double* scratch) {
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    v = warp_sum(v);
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    double total = 0.0;
    if (warp == 0) {
        total = warp_sum(lane < MS_WARPS ? scratch[lane] : 0.0);
    }
    __syncthreads();
    return total;
}

// max(norm, eps) that, like Java's Math.max, keeps a NaN norm NaN (fmax would drop it).
__device__ __forceinline__ double clamp_norm(double norm) {
    return norm < MS_COSINE_EPS ? MS_COSINE_EPS : norm;
}

__device__ __forceinline__ double clamped_cosine(double dot, double xx, double yy) {
    return dot / (clamp_norm(sqrt(xx)) * clamp_norm(sqrt(yy)));
}

// Splits the element range [start, end) of one sample into a scalar head [start, a0), a body [a0, a1) of whole
// 16-byte aligned quads (a0 and a1 multiples of 4, so float4 loads from a cuMemAlloc base are aligned) and a
// scalar tail [a1, end). Samples shorter than one aligned quad become all head.
__device__ __forceinline__ void aligned_split(long long start, long long end, long long& a0, long long& a1) {
    a0 = (start + 3) & ~3LL;
    a1 = end & ~3LL;
    if (a0 > a1) {
        a0 = end;
        a1 = end;
    }
}

// Whether all four lanes are finite: the elementwise kernels' non-finite flag.
__device__ __forceinline__ bool all_finite(float4 r) {
    return isfinite(r.x) && isfinite(r.y) && isfinite(r.z) && isfinite(r.w);
}

// Lane l (0..3) of a float4; with l a constant of an unrolled loop it compiles to the component itself.
__device__ __forceinline__ float lane(const float4& v, int l) {
    return l == 0 ? v.x : l == 1 ? v.y : l == 2 ? v.z : v.w;
}

__device__ __forceinline__ void set_lane(float4& v, int l, float x) {
    if (l == 0) {
        v.x = x;
    } else if (l == 1) {
        v.y = x;
    } else if (l == 2) {
        v.z = x;
    } else {
        v.w = x;
    }
}

// Chunk `chunk` of `chunks` of sample s of a flat [batch, n] tensor, as the per-sample reductions split it: the
// sample is [start, end); its aligned body [a0, a1) of whole quads (aligned_split) is cut into equal runs of quads,
// this chunk's being [qb, qe); chunk 0 also takes the scalar head [start, a0) and tail [a1, end). Within a sample
// the counts are 32-bit: a sample holds fewer than 2^31 floats (the host's Shape), so its quad count, head and tail
// lengths fit, and an unsigned counter plus MS_BLOCK cannot wrap.
struct SampleChunk {
    long long start;
    long long end;
    long long a0;
    long long a1;
    unsigned qb;
    unsigned qe;

    __device__ __forceinline__ SampleChunk(int s, long long n, unsigned chunk, int chunks) {
        start = (long long) s * n;
        end = start + n;
        aligned_split(start, end, a0, a1);
        const unsigned quads = (unsigned) ((a1 - a0) >> 2);
        const unsigned per = (quads + chunks - 1) / chunks;
        qb = min(quads, chunk * per);
        qe = min(quads, qb + per);
    }

    __device__ __forceinline__ unsigned head() const {
        return (unsigned) (a0 - start);
    }

    __device__ __forceinline__ unsigned tail() const {
        return (unsigned) (end - a1);
    }
};
