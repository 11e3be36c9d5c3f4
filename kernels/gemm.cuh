// Tiled single-precision matrix products for dev.memscope.kernels.Gemm, all matrices row-major:
//   sgemm_nt: C[m][n] = sum_k A[m][k] * B[n][k]   (A is M x K, B is N x K)
//   sgemm_nn: C[m][n] = sum_k A[m][k] * B[k][n]   (A is M x K, B is K x N)
// A block of 256 threads computes a 64 x 64 tile of C through 16-deep slices of A and B staged in shared memory;
// each thread keeps a 4 x 4 register tile at rows 4ty..4ty+3 and columns 4tx..4tx+3, and reads its four A and
// four B values of a step as one float4 each (2 shared loads per 16 FMAs instead of 8): a warp's B loads cover
// 256 contiguous bytes (conflict-free per quarter warp), its A loads are two broadcasts.
// Edges are zero-filled, so any M, N, K >= 1 works. cuBLAS is not used: it cannot load next to a CUDA 13 driver.
//
// Split K: a product with few output tiles (the lab's m 64, n 1056: 17 tiles on 132 SMs) is also cut along K.
// Block z computes the slice [z * k_slice, min(k, (z + 1) * k_slice)) into its own m x n plane of `c` (a
// workspace of splits * m * n floats), and sgemm_splitk_sum adds the planes in z order: a fixed order, so the
// result is deterministic. With one slice (k_slice >= k) the block writes C directly.
#pragma once
#include "common.cuh"

#define GEMM_TILE 64
#define GEMM_DEPTH 16
#define GEMV_MAX_M 16     // sgemv_nt serves products with at most this many rows of A (a batch)
#define GEMV_SLICE 512    // K per shared-memory slice of A: 16 x 512 floats = 32 KB

template <bool NT>
__device__ __forceinline__ void sgemm_tiles(int m, int n, int k, int k_slice, const float* __restrict__ a,
                                            const float* __restrict__ b, float* __restrict__ c) {
    // +4 columns of padding keep every row 16-byte aligned for the float4 reads and halve the bank conflicts of
    // the transposed stores (2-way instead of 16-way at stride 64); the reads, 16 per step, outnumber the stores.
    __shared__ __align__(16) float as[GEMM_DEPTH][GEMM_TILE + 4];
    __shared__ __align__(16) float bs[GEMM_DEPTH][GEMM_TILE + 4];
    const int tid = threadIdx.x;
    const int tx = tid & 15;
    const int ty = tid >> 4;
    const int n0 = blockIdx.x * GEMM_TILE;
    const int row_tiles = (m + GEMM_TILE - 1) / GEMM_TILE;
    // this block's K slice; k_slice is a multiple of GEMM_DEPTH, so only the last slice has a ragged end
    const int kb = blockIdx.z * k_slice;
    const int ke = min(k, kb + k_slice);
    c += (long long) blockIdx.z * m * n;
    for (int tile = blockIdx.y; tile < row_tiles; tile += gridDim.y) {
        const int m0 = tile * GEMM_TILE;
        float acc[4][4];
#pragma unroll
        for (int i = 0; i < 4; ++i) {
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                acc[i][j] = 0.0f;
            }
        }
        for (int k0 = kb; k0 < ke; k0 += GEMM_DEPTH) {
            // 64 x 16 = 1024 values of each operand, four per thread; consecutive threads read consecutive k
            // (A, and B for NT) or consecutive n (B for NN).
#pragma unroll
            for (int r = 0; r < 4; ++r) {
                const int e = tid + MS_BLOCK * r;
                const int row = e >> 4;
                const int kk = e & 15;
                const int gm = m0 + row;
                const int gk = k0 + kk;
                as[kk][row] = (gm < m && gk < ke) ? __ldg(a + (long long) gm * k + gk) : 0.0f;
            }
#pragma unroll
            for (int r = 0; r < 4; ++r) {
                const int e = tid + MS_BLOCK * r;
                if (NT) {
                    const int col = e >> 4;
                    const int kk = e & 15;
                    const int gn = n0 + col;
                    const int gk = k0 + kk;
                    bs[kk][col] = (gn < n && gk < ke) ? __ldg(b + (long long) gn * k + gk) : 0.0f;
                } else {
                    const int kk = e >> 6;
                    const int col = e & 63;
                    const int gn = n0 + col;
                    const int gk = k0 + kk;
                    bs[kk][col] = (gn < n && gk < ke) ? __ldg(b + (long long) gk * n + gn) : 0.0f;
                }
            }
            __syncthreads();
#pragma unroll
            for (int kk = 0; kk < GEMM_DEPTH; ++kk) {
                const float4 a4 = *reinterpret_cast<const float4*>(&as[kk][4 * ty]);
                const float4 b4 = *reinterpret_cast<const float4*>(&bs[kk][4 * tx]);
                const float av[4] = {a4.x, a4.y, a4.z, a4.w};
                const float bv[4] = {b4.x, b4.y, b4.z, b4.w};
#pragma unroll
                for (int i = 0; i < 4; ++i) {
#pragma unroll
                    for (int j = 0; j < 4; ++j) {
                        acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
                    }
                }
            }
            __syncthreads();
        }
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int gm = m0 + 4 * ty + i;
#pragma unroll
            for (int j = 0; j < 4; ++j) {
                const int gn = n0 + 4 * tx + j;
                if (gm < m && gn < n) {
                    c[(long long) gm * n + gn] = acc[i][j];
                }
            }
        }
    }
}

extern "C" __global__ void __launch_bounds__(MS_BLOCK, MS_MIN_BLOCKS)
sgemm_nt(int m, int n, int k, int k_slice, const float* __restrict__ a, const float* __restrict__ b,
         float* __restrict__ c) {
    sgemm_tiles<true>(m, n, k, k_slice, a, b, c);
}

extern "C" __global__ void __launch_bounds__(MS_BLOCK, MS_MIN_BLOCKS)
sgemm_nn(int m, int n, int k, int k_slice, const float* __restrict__ a, const float* __restrict__ b,
         float* __restrict__ c) {
    sgemm_tiles<false>(m, n, k, k_slice, a, b, c);
}

// Second stage of split K: c[i] = sum over z = 0, 1, ... of partials[z * mn + i], always in that order.
extern "C" __global__ void __launch_bounds__(MS_BLOCK)
sgemm_splitk_sum(const float* __restrict__ partials, int splits, long long mn, float* __restrict__ c) {
    const long long stride = (long long) gridDim.x * MS_BLOCK;
    for (long long i = (long long) blockIdx.x * MS_BLOCK + threadIdx.x; i < mn; i += stride) {
        float t = partials[i];
        for (int z = 1; z < splits; ++z) {
            t += partials[z * mn + i];
        }
        c[i] = t;
    }
}

// Small-m NT product (m = a batch of 1..16 rows against many long rows of B, the lab's distances to the component
// means): a warp per row j of B, all m rows of A staged in shared memory one K slice at a time. Lane l adds
// k = l, l + 32, ... of its row in order into m float accumulators, then a fixed shuffle tree adds the lanes: B is
// read once, coalesced, and no FMA is spent on the 64-row tile's zero padding. Blocks stride over groups of
// MS_WARPS rows; every thread of a block reaches every barrier (rows past n only skip the arithmetic).
extern "C" __global__ void __launch_bounds__(MS_BLOCK)
sgemv_nt(int m, int n, int k, const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ c) {
    __shared__ float as[GEMV_MAX_M][GEMV_SLICE];
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    for (int j0 = blockIdx.x * MS_WARPS; j0 < n; j0 += gridDim.x * MS_WARPS) {
        const int j = j0 + warp;
        float acc[GEMV_MAX_M];
#pragma unroll
        for (int i = 0; i < GEMV_MAX_M; ++i) {
            acc[i] = 0.0f;
        }
        for (int k0 = 0; k0 < k; k0 += GEMV_SLICE) {
            const int len = min(GEMV_SLICE, k - k0);
            __syncthreads();  // every warp is done with the previous slice
            for (int e = threadIdx.x; e < m * GEMV_SLICE; e += MS_BLOCK) {
                const int i = e / GEMV_SLICE;
                const int kk = e - i * GEMV_SLICE;
                as[i][kk] = kk < len ? __ldg(a + (long long) i * k + k0 + kk) : 0.0f;
            }
            __syncthreads();
            if (j < n) {
                const float* bj = b + (long long) j * k + k0;
                for (int kk = lane; kk < len; kk += 32) {
                    const float bv = __ldg(bj + kk);
#pragma unroll
                    for (int i = 0; i < GEMV_MAX_M; ++i) {
                        if (i < m) {
                            acc[i] = fmaf(as[i][kk], bv, acc[i]);
                        }
                    }
                }
            }
        }
        if (j < n) {
#pragma unroll
            for (int i = 0; i < GEMV_MAX_M; ++i) {
                if (i < m) {
                    const float t = warp_sum_f(acc[i]);
                    if (lane == 0) {
                        c[(long long) i * n + j] = t;
                    }
                }
            }
        }
    }
}
