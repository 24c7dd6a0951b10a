#!/usr/bin/env python3
"""The DGEMM rate of `coded blas` (its `gemm_size`, 384³ by default) (one thread) in the three situations of Guides/BLAS.md.

* `corrected`: `OPENBLAS_CORETYPE` unset and OpenBLAS made to start on its Prescott fallback
  (`CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK=Prescott`); the library selects the CPU's core
  before the first call.
* `forced`: `OPENBLAS_CORETYPE=Prescott`, the fallback kept (the user's setting wins).
* `own`: `OPENBLAS_CORETYPE` unset, OpenBLAS's own choice on this CPU.

The three settings run interleaved, `--repeats` times each; the row of each is the run with the
median rate. Writes notebooks-data/blas-fallback.csv: setting, then `coded blas`'s columns
(blas_core, gemm_gflops, cpu_model, corrected_from, …), then the 1-minute load average at the end.

Usage: python3 scripts/blas_fallback_speed.py [--coded PATH] [--repeats 5] [--output CSV]
"""
import argparse
import csv
import io
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coded_tools import BINARY_HINT, find_binary, write_csv_atomic  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS = {
    "corrected": {"CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK": "Prescott"},
    "forced": {"OPENBLAS_CORETYPE": "Prescott"},
    "own": {},
}


def run(coded, setting):
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK")}
    env.update(SETTINGS[setting])
    out = subprocess.run([coded, "blas", "--blas-threads", "1"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return next(csv.DictReader(io.StringIO(out)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--coded", help="the coded binary (default: release, then debug build)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--output", default=os.path.join(ROOT, "notebooks-data",
                                                         "blas-fallback.csv"))
    args = parser.parse_args()
    coded = find_binary(args.coded)
    if coded is None:
        print(f"error: no coded binary; build it with `{BINARY_HINT}`", file=sys.stderr)
        return 1
    runs = {setting: [] for setting in SETTINGS}
    for _ in range(args.repeats):
        for setting in SETTINGS:
            runs[setting].append(run(coded, setting))
    out = []
    for setting, found in runs.items():
        found.sort(key=lambda r: float(r["gemm_gflops"]))
        out.append({"setting": setting, **found[len(found) // 2],
                    "load_average": f"{os.getloadavg()[0]:.2f}"})
    fields = ["setting"] + list(out[0].keys())[1:]
    write_csv_atomic(args.output, fields, out)
    for r in out:
        print(f"{r['setting']}: {r['blas_core']} {r['gemm_gflops']} GFLOP/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
