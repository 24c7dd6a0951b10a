#!/usr/bin/env python3
"""Speed of the smoothing-spline engine against scipy and csaps, on the same data.

For each n in 1e3, 1e4, ... up to --max-n, the script writes t = linspace(0, 1, n) and
y = sin(2 pi t) + 0.1 N(0, 1) (seeded; 1 and, up to --max-n-multi, 100 columns) to a temp CSV,
and n sorted uniform evaluation points in [0, 1] to another, and times

  scipy   scipy.interpolate.make_smoothing_spline(t, y, lam=LAM) then evaluation, and with
          lam=None (GCV; up to --scipy-gcv-max-n, recording its error if it raises);
  csaps   csaps.csaps(t, y, at, smooth=p) with p = 1/(1 + LAM) (checked numerically first:
          csaps minimises p*sum w (y - f)^2 + (1 - p)*int f''^2, i.e. lambda = (1 - p)/p);
  coded   two ways: 'compute' = the library alone (Benchmarks/SplineTiming, the data already in
          memory, min over repeats of smoother + fit + evaluate), and 'cli' = the `coded spline`
          release binary end to end (process start, CSV parsing, fit, CSV output), wall clock;
  bound   a one-pass kernel over the bytes a fit + evaluation must read and write (knots, data,
          points in; the p x c output out), with a freshly allocated output (spline-timing --bound).

Python timings cover fit + evaluation on arrays already in memory, so 'scipy'/'csaps' compare with
'coded compute'. speedup_vs_tool = tool seconds / coded compute seconds (same n, columns, mode).
max_abs_diff_vs_coded is the largest |difference| between the tool's values at the points and
coded's. Every row also carries blas_core, gemm_gflops and cpu_model (machine_info.py). Output:
notebooks-data/spline-speed.csv and notebooks-data/spline-speed.png.

Usage: python3 scripts/compare_spline_speed.py [--max-n 1e6] [--repeats 3] [--lam 1e-6]
       (build first: swift build -c release --product coded --product spline-timing)
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from machine_info import FIELDS as MACHINE_FIELDS, coded_machine, numpy_machine

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# Calls of the library's in-memory compute per size (see the comment where it is timed).
COMPUTE_REPEATS = 6


def timed(function, repeats, budget):
    """Min wall time over up to `repeats` calls (stops repeating once one call exceeds budget s)."""
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        if elapsed > budget:
            break
    return best, result


def write_csv(path, header, columns):
    data = np.column_stack(columns)
    np.savetxt(path, data, delimiter=",", header=",".join(header), comments="", fmt="%.17g")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-n", type=float, default=1e6)
    parser.add_argument("--max-n-multi", type=float, default=1e4,
                        help="largest n for the 100-column runs")
    parser.add_argument("--scipy-gcv-max-n", type=float, default=1e5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lam", type=float, default=1e-6, help="fixed lambda (scipy convention)")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, ".build", "release"))
    parser.add_argument("--output", default=os.path.join(ROOT, "notebooks-data", "spline-speed.csv"))
    args = parser.parse_args()

    from scipy.interpolate import make_smoothing_spline
    import csaps

    coded = os.path.join(args.build_dir, "coded")
    timing = os.path.join(args.build_dir, "spline-timing")
    for binary in (coded, timing):
        if not os.path.exists(binary):
            sys.exit(f"error: {binary} not found; run swift build -c release --product coded "
                     "--product spline-timing")

    rows = []
    lam = args.lam
    p = 1 / (1 + lam)

    def record(tool, mode, n, columns, seconds, what, lam_used="", diff="", note=""):
        rows.append(dict(tool=tool, mode=mode, n=n, columns=columns, lam=lam_used, seconds=seconds,
                         what_is_timed=what, max_abs_diff_vs_coded=diff, note=note))
        print(f"{tool:6s} {mode:6s} n={n:<8d} c={columns:<3d} {seconds if seconds != '' else '-':>12} "
              f"{what} {note}", flush=True)

    sizes = [int(10 ** k) for k in range(3, 7) if 10 ** k <= args.max_n]
    rng = np.random.default_rng(20261123)
    with tempfile.TemporaryDirectory() as tmp:
        # csaps p <-> lambda, checked on a small case before any timing.
        t = np.linspace(0, 1, 200)
        y = np.sin(2 * np.pi * t) + 0.1 * rng.standard_normal(200)
        check_lam = 1e-4
        a = make_smoothing_spline(t, y, lam=check_lam)(t)
        b = csaps.csaps(t, y, t, smooth=1 / (1 + check_lam))
        print(f"csaps p = 1/(1+lambda) check (n=200, lambda={check_lam}): "
              f"max |scipy - csaps| = {np.max(np.abs(a - b)):.2e}")
        assert np.max(np.abs(a - b)) < 1e-8, "csaps p = 1/(1 + lambda) does not match scipy"

        for n in sizes:
            for columns in (1, 100):
                if columns > 1 and n > args.max_n_multi:
                    continue
                t = np.linspace(0, 1, n)
                y = np.sin(2 * np.pi * t)[:, None] + 0.1 * rng.standard_normal((n, columns))
                at = np.sort(rng.uniform(0, 1, n))
                data_path = os.path.join(tmp, "data.csv")
                at_path = os.path.join(tmp, "at.csv")
                out_path = os.path.join(tmp, "out.csv")
                write_csv(data_path, ["t"] + [f"y{c}" for c in range(columns)], [t, y])
                write_csv(at_path, ["x"], [at])

                # coded, compute only (and its values, for the agreement checks). Like the
                # bound's, the minimum is over calls in one process, at least COMPUTE_REPEATS of
                # them: a process's first calls pay once-only costs (the worker threads' start,
                # and fresh pages for the 48 MB of results and scratch at n = 10⁶ until the
                # allocator holds them: page faults stop from the fourth call, measured 1 December
                # 2026), which the bound's warm output does not. The first call is kept as its
                # own row.
                line = subprocess.run(
                    [timing, "--data", data_path, "--at", at_path, "--lambda", repr(lam),
                     "--repeats", str(max(COMPUTE_REPEATS, args.repeats)), "--output", out_path],
                    check=True, capture_output=True, text=True).stdout.strip().split(",")
                coded_compute = float(line[1])
                ours = np.loadtxt(out_path, delimiter=",", skiprows=1, ndmin=2)[:, 1:]
                record("coded", "fixed", n, columns, coded_compute,
                       "compute: smoother + fit + evaluate (library, data in memory; min over "
                       f"{max(COMPUTE_REPEATS, args.repeats)} calls in one process)", lam)
                record("coded", "fixed", n, columns, float(line[5]),
                       "first call: the same, the first call in a fresh process (thread start "
                       "and fresh pages included)", lam)
                record("coded", "fixed", n, columns, float(line[0]),
                       "parse: spline-timing reading both CSVs (CSVTable.read)", lam)

                # coded CLI end to end.
                def run_cli(extra):
                    return subprocess.run([coded, "spline", "--data", data_path, "--at", at_path]
                                          + extra, check=True, capture_output=True, text=True)
                seconds, _ = timed(lambda: run_cli(["--lambda", repr(lam)]), args.repeats, 20)
                record("coded", "fixed", n, columns, seconds,
                       "cli: coded spline end to end (start, CSV in, fit, CSV out)", lam)

                # scipy.
                def scipy_fixed():
                    if columns == 1:
                        return make_smoothing_spline(t, y[:, 0], lam=lam)(at)[:, None]
                    return np.column_stack(
                        [make_smoothing_spline(t, y[:, c], lam=lam)(at) for c in range(columns)])
                seconds, values = timed(scipy_fixed, args.repeats, 10)
                record("scipy", "fixed", n, columns, seconds,
                       "compute: make_smoothing_spline + evaluate" +
                       (" (one call per column)" if columns > 1 else ""), lam,
                       f"{np.max(np.abs(values - ours)):.3e}")

                # csaps (y as columns x n).
                def csaps_fixed():
                    return np.asarray(csaps.csaps(t, y.T, at, smooth=p)).T.reshape(len(at), columns)
                seconds, values = timed(csaps_fixed, args.repeats, 10)
                record("csaps", "fixed", n, columns, seconds,
                       "compute: csaps(x, y, xi, smooth=1/(1+lam))", lam,
                       f"{np.max(np.abs(values - ours)):.3e}")

                # One-pass memory bound for this size.
                line = subprocess.run(
                    [timing, "--bound", "--n", str(n), "--columns", str(columns),
                     "--repeats", str(max(3, args.repeats))],
                    check=True, capture_output=True, text=True).stdout.strip().split(",")
                record("bound", "fixed", n, columns, float(line[1]),
                       f"one pass: read knots+data+points, write output ({int(line[0])} bytes)")

                if columns != 1:
                    continue
                # GCV.
                line = subprocess.run(
                    [timing, "--data", data_path, "--at", at_path, "--lambda", "gcv",
                     "--repeats", "1" if n >= 10 ** 6 else str(args.repeats), "--output", out_path],
                    check=True, capture_output=True, text=True).stdout.strip().split(",")
                ours_gcv = np.loadtxt(out_path, delimiter=",", skiprows=1, ndmin=2)[:, 1:]
                record("coded", "gcv", n, 1, float(line[1]),
                       "compute: GCV search + fit + evaluate (library)", float(line[3]),
                       note=f"{line[4]} GCV evaluations")
                seconds, _ = timed(lambda: run_cli(["--lambda", "gcv"]), 1 if n >= 10 ** 6 else
                                   args.repeats, 20)
                record("coded", "gcv", n, 1, seconds, "cli: coded spline --lambda gcv end to end")
                if n <= args.scipy_gcv_max_n:
                    try:
                        holder = {}

                        def scipy_gcv():
                            spline = make_smoothing_spline(t, y[:, 0], lam=None)
                            return spline(at)[:, None]
                        seconds, values = timed(scipy_gcv, args.repeats, 10)
                        record("scipy", "gcv", n, 1, seconds,
                               "compute: make_smoothing_spline(lam=None) + evaluate",
                               diff=f"{np.max(np.abs(values - ours_gcv)):.3e}")
                    except Exception as error:  # scipy raises on ill-posed problems
                        record("scipy", "gcv", n, 1, "", "failed", note=f"{type(error).__name__}: "
                               f"{str(error).splitlines()[0]}")

    # Speedups of coded compute over each tool.
    compute = {(r["mode"], r["n"], r["columns"]): r["seconds"] for r in rows
               if r["tool"] == "coded" and r["what_is_timed"].startswith("compute")}
    for r in rows:
        base = compute.get((r["mode"], r["n"], r["columns"]))
        r["speedup_vs_tool"] = (f"{r['seconds'] / base:.3g}" if base and r["seconds"] != ""
                                and r["tool"] in ("scipy", "csaps") else "")
        r["coded_compute_over_bound"] = (f"{base / r['seconds']:.3g}" if base and
                                         r["tool"] == "bound" else "")

    # The machine: coded's BLAS for coded's and the bound's rows, NumPy's for scipy's and csaps's.
    swift_info, numpy_info = coded_machine(coded), numpy_machine()
    for r in rows:
        r.update(numpy_info if r["tool"] in ("scipy", "csaps") else swift_info)

    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    fields = ["tool", "mode", "n", "columns", "lam", "seconds", "speedup_vs_tool",
              "coded_compute_over_bound", "max_abs_diff_vs_coded", "what_is_timed", "note"] + MACHINE_FIELDS
    temporary = args.output + ".tmp"
    with open(temporary, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: r.get(k, "") for k in fields})
    os.replace(temporary, args.output)
    print(f"wrote {args.output}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    series = [("scipy", "fixed", "compute", "scipy make_smoothing_spline", "o-"),
              ("csaps", "fixed", "compute", "csaps", "s-"),
              ("coded", "fixed", "cli", "coded spline (CLI, end to end)", "^--"),
              ("coded", "fixed", "compute", "coded (library compute)", "D-"),
              ("bound", "fixed", "one pass", "one-pass memory bound", "k:")]
    for tool, mode, prefix, label, style in series:
        points = sorted((r["n"], r["seconds"]) for r in rows if r["tool"] == tool and
                        r["mode"] == mode and r["columns"] == 1 and r["seconds"] != "" and
                        r["what_is_timed"].startswith(prefix))
        if points:
            axes[0].loglog(*zip(*points), style, label=label)
    axes[0].set_title(f"Fit + evaluate, 1 column, lambda = {lam:g}")
    for tool, prefix, label, style in [("scipy", "compute", "scipy (lam=None)", "o-"),
                                       ("coded", "cli", "coded spline --lambda gcv (CLI)", "^--"),
                                       ("coded", "compute", "coded GCV (library compute)", "D-")]:
        points = sorted((r["n"], r["seconds"]) for r in rows if r["tool"] == tool and
                        r["mode"] == "gcv" and r["seconds"] != "" and
                        r["what_is_timed"].startswith(prefix))
        if points:
            axes[1].loglog(*zip(*points), style, label=label)
    failed = [r["n"] for r in rows if r["tool"] == "scipy" and r["mode"] == "gcv" and
              r["seconds"] == ""]
    title = "GCV + fit + evaluate, 1 column"
    if failed:
        title += f"\n(scipy raised at n = {', '.join(f'{v:.0e}' for v in failed)})"
    axes[1].set_title(title)
    for axis in axes:
        axis.set_xlabel("n (knots = evaluation points)")
        axis.set_ylabel("seconds (min over repeats)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    png = os.path.splitext(args.output)[0] + ".png"
    figure.savefig(png + ".tmp.png", dpi=120)
    os.replace(png + ".tmp.png", png)
    print(f"wrote {png}")


if __name__ == "__main__":
    main()
