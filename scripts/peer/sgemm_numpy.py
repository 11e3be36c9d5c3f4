#!/usr/bin/env python3
"""NumPy/OpenBLAS sgemm on the lab's two forward-pass products, for side-by-side comparison with JMH.

The lab denoiser's batch forward pass is two float32 matrix products with B samples, K mixture
components and D = C*H*W latent elements:
  distances  G = X @ M.T   (B x D) times (D x K)  -> B x K      ("NT", as Gemm.multiplyNT)
  weighted   Y = W @ M     (B x K) times (K x D)  -> B x D      ("NN", as Gemm.multiplyNN)
Each costs 2*B*K*D flops. Prints the median GFLOP/s over --repeats timed runs (after warm-up) per product,
and one JSON line for scripts. Usage: python3 scripts/peer/sgemm_numpy.py [--b 64 --k 2048 --d 16384]
"""
import argparse
import json
import statistics
import time

import numpy as np


def bench(fn, repeats, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--b", type=int, default=64)
    p.add_argument("--k", type=int, default=2048)
    p.add_argument("--d", type=int, default=4 * 64 * 64)
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--warmup", type=int, default=3)
    a = p.parse_args()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((a.b, a.d), dtype=np.float32)
    m = rng.standard_normal((a.k, a.d), dtype=np.float32)
    w = rng.standard_normal((a.b, a.k), dtype=np.float32)
    g = np.empty((a.b, a.k), dtype=np.float32)
    y = np.empty((a.b, a.d), dtype=np.float32)
    flops = 2.0 * a.b * a.k * a.d
    t_nt = bench(lambda: np.matmul(x, m.T, out=g), a.repeats, a.warmup)
    t_nn = bench(lambda: np.matmul(w, m, out=y), a.repeats, a.warmup)
    res = {
        "b": a.b, "k": a.k, "d": a.d, "numpy": np.__version__,
        "nt_gflops": flops / t_nt / 1e9, "nn_gflops": flops / t_nn / 1e9,
        "forward_gflops": 2 * flops / (t_nt + t_nn) / 1e9,
    }
    print(f"numpy sgemm B={a.b} K={a.k} D={a.d}: NT {res['nt_gflops']:.1f} GFLOP/s, "
          f"NN {res['nn_gflops']:.1f} GFLOP/s, forward (both) {res['forward_gflops']:.1f} GFLOP/s "
          f"(median of {a.repeats})")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
