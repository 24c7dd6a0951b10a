#!/usr/bin/env python3
"""Issue 13 study: polar codes vs MDS, uncoded and replication for linear work.

Runs the release `coded polar` subcommands and writes CSV + PNG into notebooks-data/:
  polar-polarization.csv/.png      mean virtual run times, N = 2..1024, three laws (exact), and a
                                   Monte-Carlo check at N = 16
  polar-job-time.csv, polar-job-time-samples.csv, polar-job-time.png
                                   job-time distributions per scheme, N = 1024, K = 512, three laws
  polar-shortening.csv             K = 500 at N = 1024, 1500 (shortened), 2048: polar vs MDS
  polar-500-vs-1500.csv            K = 500 blocks: 500 uncoded workers vs 1500 coded (polar
                                   shortened from 2048, MDS, 3-fold replication)
  polar-descent.csv, polar-descent-trace.csv, polar-descent.png
                                   coded gradient descent, time to accuracy per scheme and law
  polar-timing.csv, polar-timing.png
                                   encode/decode seconds: polar N = 2^6..2^16 (N log N fit), MDS
                                   N = 2^6..2^12, K = N/2, 64 columns
  polar-crossover.csv              end-to-end (job + decode) crossover of polar and MDS
Use --plot-only to redraw the PNGs from the CSVs.
"""
import argparse
import csv
import io
import math
import os
import subprocess
import sys

LAWS = ["exponential:1", "shifted-exponential:1,1", "pareto:1,2.5"]
SCHEMES = ["polar", "mds", "uncoded", "replication"]


def run(binary, args):
    out = subprocess.run([binary, "polar", *args], check=True, capture_output=True, text=True)
    return list(csv.DictReader(io.StringIO(out.stdout)))


def write(path, rows, fields):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)", file=sys.stderr)


def read(path):
    with open(path) as handle:
        return list(csv.DictReader(handle))


def polarization(binary, out):
    rows = []
    for law in LAWS:
        for n in range(1, 11):
            for row in run(binary, ["polarization", "--workers", str(2**n), "--latency", law]):
                rows.append({"latency": law, "workers": 2**n, **row})
        for row in run(binary, ["polarization", "--workers", "16", "--latency", law,
                                "--method", "monte-carlo", "--trials", "100000", "--seed", "1"]):
            rows.append({"latency": law, "workers": 16, **row})
    write(os.path.join(out, "polar-polarization.csv"), rows,
          ["latency", "workers", "index", "mean_time", "ci95_half_width", "method", "branches"])


def job_time(binary, out, trials):
    rows, samples = [], []
    for law in LAWS:
        sample_path = os.path.join(out, ".samples.csv")
        for row in run(binary, ["job-time", "--workers", "1024", "--data-blocks", "512", "--latency", law,
                                "--construction", "mean", "--trials", str(trials), "--columns", "64",
                                "--seed", "1", "--samples", sample_path]):
            rows.append({"latency": law, **row})
        samples += [{"latency": law, **r} for r in read(sample_path)]
        os.remove(sample_path)
    fields = ["latency", "scheme", "workers", "data_blocks", "trials", "mean_job_time", "p50_job_time",
              "p99_job_time", "decode_seconds"]
    write(os.path.join(out, "polar-job-time.csv"), rows, fields)
    write(os.path.join(out, "polar-job-time-samples.csv"), samples, ["latency", "scheme", "trial", "job_time"])
    rows = []
    for law in LAWS:
        for row in run(binary, ["job-time", "--workers", "1500", "--data-blocks", "500", "--latency", law,
                                "--construction", "mean", "--trials", str(trials), "--columns", "64",
                                "--seed", "2"]):
            rows.append({"latency": law, **row})
    write(os.path.join(out, "polar-500-vs-1500.csv"), rows, fields)


def shortening(binary, out, trials):
    """K = 500 at N = 1024, 1500 (shortened from 2048) and 2048: does shortening cost more than
    the neighbouring powers of two, relative to MDS?"""
    rows = []
    for law in LAWS:
        for n in (1024, 1500, 2048):
            for row in run(binary, ["job-time", "--workers", str(n), "--data-blocks", "500", "--latency", law,
                                    "--construction", "mean", "--trials", str(trials), "--seed", "2"]):
                if row["scheme"] in ("polar", "mds"):
                    rows.append({"latency": law, **row})
    write(os.path.join(out, "polar-shortening.csv"), rows,
          ["latency", "scheme", "workers", "data_blocks", "trials", "mean_job_time", "p50_job_time",
           "p99_job_time", "decode_seconds"])


def descent(binary, out):
    rows, trace = [], []
    trace_path = os.path.join(out, ".trace.csv")
    for problem, tolerance in (("least-squares", "1e-6"), ("logistic", "1e-4")):
        for law in LAWS:
            for row in run(binary, ["descent", "--workers", "32", "--data-blocks", "16", "--latency", law,
                                    "--problem", problem, "--tolerance", tolerance, "--iterations", "1000",
                                    "--time-unit", "0.001", "--seed", "1", "--trace", trace_path]):
                rows.append(row)
            trace += read(trace_path)
    os.remove(trace_path)
    write(os.path.join(out, "polar-descent.csv"), rows, list(rows[0].keys()))
    write(os.path.join(out, "polar-descent-trace.csv"), trace, list(trace[0].keys()))


def timing(binary, out, repeats):
    rows = []
    for n in range(6, 17):
        schemes = "polar,mds" if n <= 12 else "polar"
        for order in ("random", "reversed"):
            for statistic in ("median", "minimum"):
                for row in run(binary, ["timing", "--workers", str(2**n), "--data-blocks", str(2**(n - 1)),
                                        "--columns", "64", "--repeats", str(repeats if n <= 13 else 21),
                                        "--schemes", schemes, "--order", order, "--statistic", statistic]):
                    rows.append({"workers": 2**n, "data_blocks": 2**(n - 1), "columns": 64, "order": order,
                                 "statistic": statistic, **row})
    write(os.path.join(out, "polar-timing.csv"), rows,
          ["workers", "data_blocks", "columns", "order", "statistic", "scheme", "encode_seconds",
           "decode_seconds"])


def fit_exponent(points):
    """Least-squares slope of log(seconds) against log(N log2 N)."""
    xs = [math.log(n * math.log2(n)) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def crossover(out):
    """Mean task time τ (seconds per unit of the law) below which polar's end-to-end time
    τ·E[job] + decode beats MDS's: τ* = (decode_mds − decode_polar)/(E[job_polar] − E[job_mds])."""
    rows = []
    by = {(r["latency"], r["scheme"]): r for r in read(os.path.join(out, "polar-job-time.csv"))}
    timing_rows = read(os.path.join(out, "polar-timing.csv"))
    for law in LAWS:
        polar, mds = by[(law, "polar")], by[(law, "mds")]
        gap = float(polar["mean_job_time"]) - float(mds["mean_job_time"])
        for order in ("random", "reversed"):
            t = {r["scheme"]: r for r in timing_rows
                 if r["workers"] == "1024" and r["order"] == order and r["statistic"] == "median"}
            saved = float(t["mds"]["decode_seconds"]) - float(t["polar"]["decode_seconds"])
            rows.append({"latency": law, "workers": 1024, "data_blocks": 512, "columns": 64,
                         "mds_survivors": "first K of random arrivals" if order == "random" else "parity only (K x K solve)",
                         "job_time_gap_units": f"{gap:.6g}", "decode_seconds_saved": f"{saved:.6g}",
                         "crossover_task_seconds": f"{saved / gap:.6g}" if gap > 0 else "inf"})
    write(os.path.join(out, "polar-crossover.csv"), rows, list(rows[0].keys()))


def save(fig, first_axis, ylabel, path):
    """Label the first panel's y axis, lay out and write the PNG."""
    first_axis.set_ylabel(ylabel)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def plots(out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pol = read(os.path.join(out, "polar-polarization.csv"))
    fig, axes = plt.subplots(1, 3, figsize=(14, 4), sharey=False)
    for ax, law in zip(axes, LAWS):
        for n in (4, 16, 64, 256, 1024):
            vals = sorted(float(r["mean_time"]) for r in pol
                          if r["latency"] == law and int(r["workers"]) == n and r["method"] == "exact")
            ax.plot([(i + 0.5) / n for i in range(n)], vals, label=f"N = {n}")
        ax.set_title(f"{law}: sorted mean virtual run time")
        ax.set_xlabel("fraction of virtual workers (sorted)")
        ax.set_yscale("log")
        ax.legend(fontsize=7)
    save(fig, axes[0], "mean virtual time (law units)", os.path.join(out, "polar-polarization.png"))

    samples = read(os.path.join(out, "polar-job-time-samples.csv"))
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for ax, law in zip(axes, LAWS):
        for scheme in SCHEMES:
            vals = sorted(float(r["job_time"]) for r in samples if r["latency"] == law and r["scheme"] == scheme)
            ax.plot(vals, [(i + 1) / len(vals) for i in range(len(vals))], label=scheme)
        ax.set_xscale("log")
        ax.set_title(f"{law}, N = 1024, K = 512")
        ax.set_xlabel("job time (law units)")
        ax.legend(fontsize=7)
    save(fig, axes[0], "empirical CDF", os.path.join(out, "polar-job-time.png"))

    trace = read(os.path.join(out, "polar-descent-trace.csv"))
    problems = ("least-squares", "logistic")
    laws = sorted({r["latency"] for r in trace})
    fig, axes = plt.subplots(len(problems), len(laws), figsize=(14, 7), squeeze=False)
    for i, problem in enumerate(problems):
        for j, law in enumerate(laws):
            ax = axes[i][j]
            for scheme in SCHEMES:
                pts = [(float(r["model_seconds"]), float(r["relative_gradient"])) for r in trace
                       if r["problem"] == problem and r["latency"] == law and r["scheme"] == scheme]
                if pts:
                    ax.plot(*zip(*pts), label=scheme)
            ax.set_yscale("log")
            ax.set_title(f"{problem}, {law}", fontsize=9)
            ax.set_xlabel("model seconds (1 ms per law unit)")
            ax.legend(fontsize=7)
        axes[i][0].set_ylabel("‖∇f‖/‖∇f(0)‖")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "polar-descent.png"), dpi=120)

    timing_rows = read(os.path.join(out, "polar-timing.csv"))
    fig, ax = plt.subplots(figsize=(7, 5))
    for scheme, order, style in (("polar", "random", "o-"), ("mds", "random", "s-"), ("mds", "reversed", "s--")):
        pts = [(int(r["workers"]), float(r["decode_seconds"])) for r in timing_rows
               if r["scheme"] == scheme and r["order"] == order and r["statistic"] == "minimum"]
        ax.plot(*zip(*pts), style, label=f"{scheme} decode ({order} arrivals)")
    pts = [(int(r["workers"]), float(r["encode_seconds"])) for r in timing_rows
           if r["scheme"] == "polar" and r["order"] == "random" and r["statistic"] == "minimum"]
    ax.plot(*zip(*pts), "o:", label="polar encode")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("N (K = N/2, 64 columns)")
    ax.set_ylabel("seconds (fastest of the repeats)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "polar-timing.png"), dpi=120)
    print("wrote the PNGs", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coded", default=".build/release/coded")
    parser.add_argument("--out", default="notebooks-data")
    parser.add_argument("--trials", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=101)
    parser.add_argument("--only", default="polarization,job-time,shortening,descent,timing",
                        help="comma-separated parts to run")
    parser.add_argument("--plot-only", action="store_true")
    args = parser.parse_args()
    if not args.plot_only:
        parts = args.only.split(",")
        if "polarization" in parts:
            polarization(args.coded, args.out)
        if "job-time" in parts:
            job_time(args.coded, args.out, args.trials)
        if "shortening" in parts:
            shortening(args.coded, args.out, args.trials)
        if "descent" in parts:
            descent(args.coded, args.out)
        if "timing" in parts:
            timing(args.coded, args.out, args.repeats)
    timing_rows = read(os.path.join(args.out, "polar-timing.csv"))
    for statistic in ("median", "minimum"):
        for what in ("encode_seconds", "decode_seconds"):
            pts = [(int(r["workers"]), float(r[what])) for r in timing_rows
                   if r["scheme"] == "polar" and r["order"] == "random" and r["statistic"] == statistic]
            print(f"polar {what} ({statistic}): slope of log t on log(N log2 N), N = 2^6..2^16: "
                  f"{fit_exponent(pts):.3f}; N = 2^6..2^10: {fit_exponent(pts[:5]):.3f}")
    crossover(args.out)
    plots(args.out)


if __name__ == "__main__":
    main()
