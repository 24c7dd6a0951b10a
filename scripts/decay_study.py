#!/usr/bin/env python3
"""The MSE-decay study: reproduce and extend the LeTCC family of results.

Runs a standard grid of experiments, writes one tidy CSV and one log-log PNG per experiment to
notebooks-data/, fits every curve's log-log slope with a confidence interval over seeds
(notebooks-data/slopes.csv), times the Swift CLI against the NumPy/SciPy reference on the same
sweep (notebooks-data/study-speed.csv), and writes the index notebooks-data/README.md with the
exact commands, seeds and the measured exponents beside the papers' claims.

Engines. ``swift`` drives ``coded sweep`` (DESIGN.md, "The CLI"); ``reference`` runs
scripts/reference_coded.py. ``--engine auto`` (default) uses the binary when it exists and
supports the experiment, and the reference otherwise; every CSV row says which engine made it.
``coded sweep`` has every straggler model the study uses (probabilistic and Byzantine included).

Code: this file is the command line and the order of work; study_engines.py (sweeps, the two
engines, the speed comparison), study_grid.py (the default and quick grids), study_fits.py
(claims and slopes), study_plots.py (PNGs) and study_readme.py (the README index); the commands
of both engines come from coded_tools.experiment_args.

Experiments (K = 10 inputs on [−1, 1], Chebyshev layout unless stated, seeds 0..s−1; a seed
fixes the inputs, the random stragglers and the noise):
- ``n-sweep-noiseless``: MSE vs N at S = 5, worst-window and random stragglers;
- ``n-sweep-noisy``: the same with worker noise σ = 1e-2 (LeTCC decoder λ by the optimal
  schedule, and by GCV for random stragglers);
- ``s-sweep``: MSE vs S at N = 200, worst-window;
- ``probabilistic``: each worker straggles independently with probability p (arXiv 2502.00645);
- ``byzantine``: q = ⌈N^a⌉ adversarial workers return uniform values in ±10, λ_dec scanned, best λ kept
  (arXiv 2502.08058);
- ``lambda``: MSE vs λ_dec at N = 200, S = 10 (random), σ = 1e-2, with GCV (and the CLI's
  ``optimal``) marked;
- ``encoder``: MSE vs N for the encoder λ choices (0, the ``optimal`` schedule K·h³/24, GCV on the
  inputs), noiseless worst-window (λ_dec = 0) and noisy random (σ = 1e-2, λ_dec = optimal).

    python3 scripts/decay_study.py                 # the default study (< 10 min on 2 cores with Swift)
    python3 scripts/decay_study.py --quick --out /tmp/study   # a tiny grid (CI, schema tests)

Progress goes to stderr. Dependencies: numpy, scipy, matplotlib.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_coded  # noqa: E402,F401  (first: it pins BLAS to one thread before numpy loads)
from coded_tools import BINARY_HINT, ROOT, find_binary  # noqa: E402,F401
from study_engines import COLUMNS, Runner, log, speed_comparison, write_csv  # noqa: E402,F401
from study_fits import SLOPE_COLUMNS, byzantine_lambda_table, fit_slopes  # noqa: E402,F401
from study_grid import DEFAULT, QUICK, experiments  # noqa: E402
from study_plots import plot  # noqa: E402
from study_readme import readme  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description="MSE-decay study (LeTCC, BACC, LCC).")
    p.add_argument("--quick", action="store_true", help="a tiny grid (seconds) for CI and schema tests")
    p.add_argument("--out", default=os.path.join(ROOT, "notebooks-data"))
    p.add_argument("--engine", choices=["auto", "swift", "reference"], default="auto")
    p.add_argument("--binary", help="path to coded (default .build/release/coded, then .build/debug/coded)")
    p.add_argument("--only", help="comma-separated experiments to run (default all)")
    p.add_argument("--seeds", type=int, help="override the number of seeds")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument("--no-speed", action="store_true")
    p.add_argument("--label", default="", help="where the coded binary came from (written into the README)")
    a = p.parse_args(argv)

    start = time.perf_counter()
    binary = find_binary(a.binary) if a.engine != "reference" else None
    if a.engine == "swift" and binary is None:
        print(f"error: --engine swift but no coded binary ({BINARY_HINT})", file=sys.stderr)
        return 1
    if a.engine == "auto" and binary is None:
        log("no coded binary found: every experiment runs on the reference engine")
    grid = replace(QUICK if a.quick else DEFAULT)
    if a.seeds:
        grid.seeds = a.seeds
    runner = Runner(a.engine, binary)
    os.makedirs(a.out, exist_ok=True)
    plan = experiments(grid, reference_only=binary is None)
    if a.only:
        wanted = set(a.only.split(","))
        unknown = wanted - set(plan)
        if unknown:
            print(f"error: unknown experiment(s) {', '.join(sorted(unknown))} (known: {', '.join(plan)})", file=sys.stderr)
            return 1
        plan = {k: v for k, v in plan.items() if k in wanted}
    files, all_slopes, extras = {}, [], {}
    for name, sweeps in plan.items():
        t0 = time.perf_counter()
        rows = []
        for i, sw in enumerate(sweeps):
            try:
                rows += runner.run(sw)
            except (RuntimeError, ValueError) as error:
                print(f"error: {name}: {error}", file=sys.stderr)
                return 1
            if (i + 1) % max(1, len(sweeps) // 10) == 0 or i + 1 == len(sweeps):
                log(f"{name}: {i + 1}/{len(sweeps)} sweeps ({time.perf_counter() - t0:.1f} s)")
        write_csv(os.path.join(a.out, f"{name}.csv"), rows, COLUMNS)
        if not a.no_plots:
            plot(name, rows, os.path.join(a.out, f"{name}.png"))
        all_slopes += fit_slopes(name, rows)
        if name == "byzantine":
            lam_table, lam_fits = byzantine_lambda_table(rows)
            write_csv(os.path.join(a.out, "byzantine-lambda.csv"), lam_table, list(lam_table[0].keys()))
            extras["byzantine-lambda"] = (lam_table, lam_fits)
        files[name] = len(rows)
        log(f"{name}: wrote {len(rows)} rows")
    write_csv(os.path.join(a.out, "slopes.csv"), all_slopes, SLOPE_COLUMNS)
    speed = [] if a.no_speed else speed_comparison(grid, binary, a.out, a.quick)
    if speed:
        write_csv(os.path.join(a.out, "study-speed.csv"), speed, list(speed[0].keys()))
    text = readme(a.out, "quick" if a.quick else "default", runner, files, all_slopes, speed, argv,
                  time.perf_counter() - start, extras)
    if binary:
        text = text.replace("\n\nSchema of every", f"\n\nSwift binary: `{os.path.relpath(binary, ROOT)}`"
                            + (f" ({a.label})" if a.label else "") + ".\n\nSchema of every", 1)
    tmp = os.path.join(a.out, ".README.md.tmp")
    with open(tmp, "w") as handle:
        handle.write(text)
    os.replace(tmp, os.path.join(a.out, "README.md"))
    log(f"done in {time.perf_counter() - start:.1f} s → {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
