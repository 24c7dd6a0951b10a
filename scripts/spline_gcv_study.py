#!/usr/bin/env python3
"""Does GCV pick a sensible λ at n = 10⁶? (Guides/SmoothingSpline.md, "GCV search".)

Data: t equispaced on [0, 1], y = sin 2πt + σ·N(0, 1) (σ = 0.1, NumPy's default_rng(seed)).
`coded spline --lambda gcv` picks λ (printed on stderr); then the same command at fixed λ on a
grid of log₁₀ λ in steps of 0.05 from one decade below to one decade above the GCV λ finds the
oracle λ, the one whose fit has the smallest mean squared error against sin 2πt at the knots.
One CSV row per fit:

    python3 scripts/spline_gcv_study.py [--coded .build/release/coded] [--n 1000000]
        [--output notebooks-data/spline-gcv.csv]

Columns: n, sigma, seed, kind (gcv or scan), lambda, mse (against the noiseless curve),
seconds (the whole `coded spline` process), build, load1. About a minute in a release build.
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coded_tools import add_coded_option, require_executable, write_csv_atomic  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLUMNS = ["n", "sigma", "seed", "kind", "lambda", "mse", "seconds", "build", "load1"]


def fit(coded, data, at, truth, lam):
    """(λ used, MSE against `truth`, seconds) of one `coded spline` run; `lam` is a number or
    'gcv'."""
    start = time.perf_counter()
    proc = subprocess.run([coded, "spline", "--data", data, "--at", at, "--lambda", str(lam)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"error: coded spline failed: {proc.stderr.strip()}")
    if lam == "gcv":
        found = re.search(r"lambda=([0-9.eE+-]+)", proc.stderr)
        if found is None:
            sys.exit("error: coded spline --lambda gcv printed no 'lambda=' on stderr")
        lam = float(found.group(1))
    values = np.loadtxt(proc.stdout.splitlines()[1:], delimiter=",", usecols=1)
    return float(lam), float(np.mean((values - truth) ** 2)), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_coded_option(parser)
    parser.add_argument("--n", type=int, default=10**6)
    parser.add_argument("--sigma", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=os.path.join(ROOT, "notebooks-data",
                                                         "spline-gcv.csv"))
    args = parser.parse_args()
    require_executable(args.coded)
    t = np.linspace(0.0, 1.0, args.n)
    truth = np.sin(2 * np.pi * t)
    y = truth + args.sigma * np.random.default_rng(args.seed).standard_normal(args.n)
    build = "release" if "/release/" in args.coded else "debug"
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        data, at = os.path.join(folder, "data.csv"), os.path.join(folder, "at.csv")
        np.savetxt(data, np.column_stack([t, y]), delimiter=",", header="t,y", comments="",
                   fmt="%.17g")
        np.savetxt(at, t, header="t", comments="", fmt="%.17g")

        def record(kind, lam):
            load = os.getloadavg()[0]
            used, mse, seconds = fit(args.coded, data, at, truth, lam)
            rows.append({"n": args.n, "sigma": args.sigma, "seed": args.seed, "kind": kind,
                         "lambda": repr(used), "mse": repr(mse), "seconds": f"{seconds:.3f}",
                         "build": build, "load1": f"{load:.2f}"})
            return used

        chosen = record("gcv", "gcv")
        centre = math.log10(chosen)
        for step in range(-20, 21):
            record("scan", 10 ** (round(centre * 20) / 20 + step * 0.05))
    write_csv_atomic(args.output, COLUMNS, rows)
    best = min((r for r in rows if r["kind"] == "scan"), key=lambda r: float(r["mse"]))
    print(f"gcv λ = {chosen:.4g} (MSE {rows[0]['mse']}); oracle λ = {float(best['lambda']):.4g} "
          f"(MSE {best['mse']})")


if __name__ == "__main__":
    main()
