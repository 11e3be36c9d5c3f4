package dev.memscope.kernels.cuda;

/**
 * A Java port of the index math of kernels/*.cuh, line for line, that counts how often each element is visited and
 * checks that every float4 access is 16-byte aligned (device bases are cuMemAlloc's, 256-byte aligned, so an
 * element index that is a multiple of 4 is an aligned address). Integer widths follow the CUDA code: long for
 * {@code long long}, int for {@code int}, {@code & 0xffffffffL} for {@code unsigned}.
 */
final class KernelIndexPort {
    static final int BLOCK = CudaContext.BLOCK;
    /** {@code unsigned} arithmetic: keep the low 32 bits. */
    private static final long M = 0xffffffffL;

    private KernelIndexPort() {
    }

    /** Visit counts per element of the whole batch, and the first misaligned float4 element index (-1: none). */
    static final class Visits {
        final byte[] count;
        long misaligned = -1;

        Visits(long elements) {
            count = new byte[Math.toIntExact(elements)];
        }

        void one(long e) {
            count[Math.toIntExact(e)]++;
        }

        void quad(long e) {
            if (e % 4 != 0 && misaligned < 0) {
                misaligned = e;
            }
            for (int l = 0; l < 4; l++) {
                one(e + l);
            }
        }

        /** The first element not visited exactly once, or -1. */
        long firstNotOnce() {
            for (int i = 0; i < count.length; i++) {
                if (count[i] != 1) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** common.cuh aligned_split: returns {a0, a1}. */
    static long[] alignedSplit(long start, long end) {
        long a0 = (start + 3) & ~3L;
        long a1 = end & ~3L;
        if (a0 > a1) {
            a0 = end;
            a1 = end;
        }
        return new long[] {a0, a1};
    }

    /** reductions.cuh flat_partials (diffNorm/mse, globalCosine) on grid (gridX = chunks, gridY). */
    static void flatPartials(Visits v, int batch, long n, int chunks, int gridX, int gridY) {
        for (int bx = 0; bx < gridX; bx++) {
            for (int by = 0; by < gridY; by++) {
                final int chunk = bx;
                for (int s = by; s < batch; s += gridY) {
                    final long start = (long) s * n;
                    final long end = start + n;
                    long[] a = alignedSplit(start, end);
                    final long quads = ((a[1] - a[0]) >> 2) & M;
                    final long per = ((quads + chunks - 1) / chunks) & M;
                    final long qb = Math.min(quads, ((long) chunk * per) & M);
                    final long qe = Math.min(quads, (qb + per) & M);
                    final long head = (a[0] - start) & M;
                    final long tail = (end - a[1]) & M;
                    for (int t = 0; t < BLOCK; t++) {
                        for (long q = (qb + t) & M; q < qe; q = (q + BLOCK) & M) {
                            v.quad(a[0] + 4 * q);
                        }
                        if (chunk == 0) {
                            for (long i = t; i < head; i = (i + BLOCK) & M) {
                                v.one(start + i);
                            }
                            for (long i = t; i < tail; i = (i + BLOCK) & M) {
                                v.one(a[1] + i);
                            }
                        }
                    }
                }
            }
        }
    }

    /** reductions.cuh pixel_cosine_partials: every (channel, pixel) element of every sample, VEC or scalar. */
    static void pixelCosine(Visits v, boolean vec, int batch, int channels, int pixels, int chunks, int gridX,
                            int gridY) {
        final long units = vec ? (pixels & 0xffffffffL) / 4 : (pixels & 0xffffffffL);
        final long per = ((units + chunks - 1) / chunks) & 0xffffffffL;
        for (int bx = 0; bx < gridX; bx++) {
            final long ub = Math.min(units, ((long) bx * per) & 0xffffffffL);
            final long ue = Math.min(units, (ub + per) & 0xffffffffL);
            for (int by = 0; by < gridY; by++) {
                for (int s = by; s < batch; s += gridY) {
                    final long base = (long) s * channels * pixels;
                    for (int t = 0; t < BLOCK; t++) {
                        for (long u = (ub + t) & 0xffffffffL; u < ue; u = (u + BLOCK) & 0xffffffffL) {
                            for (int c = 0; c < channels; c++) {
                                if (vec) {
                                    // p4 + u + c * units: float4 index into the sample's planes
                                    v.quad(base + 4 * (u + (long) c * units));
                                } else {
                                    v.one(base + u + (long) c * units);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** reductions.cuh pixel_cosine_channels: block (pixel, y) walks the channels of that pixel in each sample. */
    static void pixelCosineChannels(Visits v, int batch, int channels, int pixels, int gridX, int gridY) {
        final long plane = pixels & M;
        for (int bx = 0; bx < gridX; bx++) {
            final long pixel = bx & M;
            for (int by = 0; by < gridY; by++) {
                for (int s = by; s < batch; s += gridY) {
                    final long base = (long) s * channels * pixels + pixel;
                    for (int t = 0; t < BLOCK; t++) {
                        for (long c = t; c < (channels & M); c = (c + BLOCK) & M) {
                            v.one(base + ((c * plane) & M));
                        }
                    }
                }
            }
        }
    }

    /** elementwise.cuh cfg_body / amg_body: block-stride over each sample (32-bit), VEC when n % 4 == 0. */
    static void perSampleElementwise(Visits v, boolean vec, int batch, long n, int gridX, int gridY) {
        final long per = n & M;
        final long stride = ((long) gridX * BLOCK) & M;
        for (int bx = 0; bx < gridX; bx++) {
            for (int by = 0; by < gridY; by++) {
                for (int s = by; s < batch; s += gridY) {
                    final long start = (long) s * n;
                    final long limit = vec ? per >> 2 : per;
                    for (int t = 0; t < BLOCK; t++) {
                        for (long i = ((long) bx * BLOCK + t) & M; i < limit; i = (i + stride) & M) {
                            if (vec) {
                                v.quad(start + 4 * i);
                            } else {
                                v.one(start + i);
                            }
                        }
                    }
                }
            }
        }
    }

    /** elementwise.cuh ddimStep_convert_linear: 1-D grid stride over quads, the last total % 4 by the first threads. */
    static void linear(Visits v, long total, int gridX) {
        final long stride = (long) gridX * BLOCK;
        final long quads = total >> 2;
        for (int bx = 0; bx < gridX; bx++) {
            for (int t = 0; t < BLOCK; t++) {
                final long first = (long) bx * BLOCK + t;
                for (long i = first; i < quads; i += stride) {
                    v.quad(4 * i);
                }
                final long e = quads * 4 + first;
                if (e < total) {
                    v.one(e);
                }
            }
        }
    }
}
