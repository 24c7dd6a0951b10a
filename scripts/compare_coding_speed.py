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

* numpy-dgemm-2000: a 2000 x 2000 x 2000 product, the machine's attainable GEMM rate (GFLOP/s) in
  the same run: BACC's two products cost 2(NK + K|T|)d flops, so no BACC can run faster than that
  count divided by this rate.

The Swift side runs twice: single-threaded (`--threads 1 --blas-threads 1`) and with one thread per
core for its own kernels and BLAS (`--threads 0 --blas-threads <cores>`), like NumPy's OpenBLAS.

Writes notebooks-data/coding-speed.csv (tool,scheme,threads,K,N,S,d,repeats,seconds_median,
seconds_min,gflops,coded_speedup_median: the peer's median over the single-threaded Swift median of
the same scheme; blas_core,gemm_gflops,cpu_model: the machine, see machine_info.py) and notebooks-data/coding-speed.png.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The reference's nodes and Berrut matrix; this module leaves NumPy's BLAS threads alone.
from reference_interpolants import berrut_matrix, node_family  # noqa: E402
from machine_info import FIELDS as MACHINE_FIELDS, cpu_model, numpy_machine  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def blas_threads():
    """NumPy's BLAS thread count (threadpoolctl, installed with scikit-learn), or '' if unknown."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ""
    counts = [i["num_threads"] for i in threadpool_info() if i.get("user_api") == "blas"]
    return counts[0] if counts else ""


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
    ap.add_argument("--plot-from", metavar="CSV", help="only redraw the PNG of an existing coding-speed CSV")
    args = ap.parse_args()
    if args.plot_from:
        plot(args.plot_from, os.path.splitext(args.plot_from)[0] + ".png")
        return
    if not os.path.exists(args.coded):
        sys.exit(f"error: coded binary not found at {args.coded} (swift build -c release --product coded)")

    K, N, S, d, lam = args.K, args.N, args.S, args.d, args.lam
    alpha, beta = node_family("chebyshev1", K), node_family("chebyshev2", N)
    survivors = np.arange(S, N)
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (K, d))

    cores = os.cpu_count() or 1
    gemm_flops = 2.0 * (N * K + K * (N - S)) * d

    rows = []
    swift_runs = {}
    for threads, blas in ((1, 1), (0, cores)):
        label = 1 if threads == 1 else cores
        print(f"[1/4] coded timing K={K} N={N} S={S} d={d} threads={label}", file=sys.stderr)
        out = subprocess.run(
            [args.coded, "timing", "--scheme", "letcc,bacc", "--K", str(K), "--workers", str(N),
             "--stragglers", str(S), "--dim", str(d), "--repeats", str(args.repeats),
             "--decoder-lambda", repr(lam), "--threads", str(threads), "--blas-threads", str(blas)],
            check=True, capture_output=True, text=True).stdout
        swift_runs[label] = {r["scheme"]: r for r in csv.DictReader(io.StringIO(out))}
        for scheme, r in swift_runs[label].items():
            flops = gemm_flops if scheme in ("bacc", "limit-gemm") else None
            machine = [r["blas_core"], r["gemm_gflops"], cpu_model() or r["cpu_model"]]
            rows.append(["coded", scheme, label, K, N, S, d, args.repeats, float(r["total_seconds"]),
                         float(r["total_seconds_min"]), machine, flops])
    swift = swift_runs[1]

    print("[2/4] scipy make_smoothing_spline pipeline", file=sys.stderr)
    coded_inputs = make_smoothing_spline(alpha, X, lam=0.0)(beta)
    Y = coded_inputs[survivors]

    def scipy_letcc():
        enc = make_smoothing_spline(alpha, X, lam=0.0)(beta)
        dec = make_smoothing_spline(beta[survivors], Y, lam=lam)(alpha)
        return enc, dec
    numpy_info = numpy_machine()
    py = [numpy_info[k] for k in MACHINE_FIELDS]
    med, mn = timed(scipy_letcc, max(3, args.repeats // 3))
    rows.append(["scipy", "letcc", 1, K, N, S, d, max(3, args.repeats // 3), med, mn, py, None])

    print("[3/4] numpy BACC", file=sys.stderr)
    E = berrut_matrix(alpha, beta)
    D = berrut_matrix(beta[survivors], alpha)
    Yb = (E @ X)[survivors]
    numpy_threads = blas_threads()
    med, mn = timed(lambda: (E @ X, D @ Yb), args.repeats)
    rows.append(["numpy", "bacc-gemm", numpy_threads, K, N, S, d, args.repeats, med, mn, py, gemm_flops])
    med, mn = timed(lambda: (E @ X, berrut_matrix(beta[survivors], alpha) @ Yb), args.repeats)
    rows.append(["numpy", "bacc-pipeline", numpy_threads, K, N, S, d, args.repeats, med, mn, py, gemm_flops])
    big = rng.uniform(-1, 1, (2000, 2000))
    med, mn = timed(lambda: big @ big, 5)
    rows.append(["numpy", "dgemm-2000", numpy_threads, 2000, 2000, 0, 2000, 5, med, mn, py, 2.0 * 2000**3])

    ref = {"letcc": swift["letcc"], "bacc": swift["bacc"]}
    with open(args.output + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["tool", "scheme", "threads", "K", "N", "S", "d", "repeats", "seconds_median",
                    "seconds_min", "gflops", "coded_speedup_median"] + MACHINE_FIELDS)
        for r in rows:
            flops = r.pop()
            machine = r.pop()
            gflops = f"{flops / r[8] / 1e9:.1f}" if flops else ""
            base = ref.get("letcc" if "letcc" in r[1] else "bacc" if "bacc" in r[1] else "")
            speedup = r[8] / float(base["total_seconds"]) if r[0] != "coded" and base else ""
            w.writerow(r + [gflops, speedup] + machine)
    os.replace(args.output + ".tmp", args.output)
    print(open(args.output).read())

    if not args.no_plot:
        print("[4/4] plot", file=sys.stderr)
        plot(args.output, os.path.splitext(args.output)[0] + ".png")


def plot(csv_path, png_path):
    """Bar chart of the median round time of every row of a coding-speed CSV (log scale, ms)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    with open(csv_path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["scheme"] != "dgemm-2000"]
    labels = [f"{r['tool']} {r['scheme']} ({r['threads']} thr.)" for r in rows]
    values = [float(r["seconds_median"]) * 1e3 for r in rows]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.barh(labels, values, color=["C0" if r["tool"] == "coded" else "C1" for r in rows])
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("median milliseconds per encode + decode round (log scale)")
    r0 = rows[0]
    ax.set_title(f"Encode + decode, K={r0['K']}, N={r0['N']}, S={r0['S']}, d=m={r0['d']}")
    fig.tight_layout()
    fig.savefig(png_path + ".tmp.png", dpi=120)
    os.replace(png_path + ".tmp.png", png_path)


if __name__ == "__main__":
    main()
