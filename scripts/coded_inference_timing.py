#!/usr/bin/env python3
"""How long the coded-inference grids take, and whether they reproduce the committed CSVs
(Guides/CodedInference.md, "Results").

Runs the Guide's two `coded infer` commands (random and worst-window stragglers, the six digits
networks, K = 10, 20, redundancy 2, 5, 10, 20) into a temporary folder, times each whole process
and compares every column except the timing ones (`*_seconds`) with notebooks-data/
coded-inference.csv and coded-inference-worst-window.csv. One CSV row per grid:

    python3 scripts/coded_inference_timing.py [--coded .build/release/coded]
        [--output notebooks-data/coded-inference-timing.csv]

Columns: grid, rows, wall_seconds, cells_differing (non-timing cells whose text differs),
max_relative_difference (the largest gap of a column relative to that column's largest committed
|value|), build, load1. About half a minute in a release
build.
"""
import argparse
import csv
import glob
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coded_tools import add_coded_option, require_executable  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "notebooks-data")
GRIDS = {"random": ("coded-inference.csv", []),
         "worst-window": ("coded-inference-worst-window.csv",
                          ["--straggler-model", "worst-window"])}


def table(path):
    with open(path, newline="") as handle:
        return [{k: v for k, v in r.items() if not k.endswith("_seconds")}
                for r in csv.DictReader(handle)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_coded_option(parser)
    parser.add_argument("--output", default=os.path.join(DATA, "coded-inference-timing.csv"))
    args = parser.parse_args()
    require_executable(args.coded)
    models = ",".join(sorted(os.path.relpath(path, ROOT)  # relative, as the CSV records them
                             for path in glob.glob(os.path.join(DATA, "models", "digits-*.json"))
                             if os.path.basename(path).count(".") == 1))  # not parity files
    if not models:
        sys.exit("error: no notebooks-data/models/digits-*.json (scripts/train_models.sh)")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for grid, (committed, extra) in GRIDS.items():
            out = os.path.join(folder, committed)
            load = os.getloadavg()[0]
            start = time.perf_counter()
            proc = subprocess.run([os.path.abspath(args.coded), "infer", "--model", models,
                                   "--data", os.path.join("notebooks-data", "digits"), "--K",
                                   "10,20", "--redundancy", "2,5,10,20", *extra, "--output", out],
                                  capture_output=True, text=True, cwd=ROOT)
            wall = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(f"error: coded infer failed: {proc.stderr.strip()}")
            fresh, old = table(out), table(os.path.join(DATA, committed))
            if len(fresh) != len(old):
                sys.exit(f"error: {grid}: {len(fresh)} rows against {len(old)} committed")
            differing, gaps, scale = 0, {}, {}
            for new_row, old_row in zip(fresh, old):
                for key, value in new_row.items():
                    if value == old_row.get(key):
                        continue
                    try:
                        a, b = float(value), float(old_row[key])
                    except (KeyError, ValueError):
                        sys.exit(f"error: {grid}: column {key} differs: {value!r}")
                    differing += 1
                    gaps[key] = max(gaps.get(key, 0.0), abs(a - b))
            for key in gaps:  # a column's gap relative to its largest committed |value|
                scale[key] = max(abs(float(r[key])) for r in old)
            worst = max((gaps[k] / scale[k] for k in gaps if scale[k] > 0), default=0.0)
            rows.append({"grid": grid, "rows": len(fresh), "wall_seconds": f"{wall:.2f}",
                         "cells_differing": differing, "max_relative_difference": repr(worst),
                         "build": "release" if "/release/" in args.coded else "debug",
                         "load1": f"{load:.2f}"})
            print(", ".join(f"{k}={v}" for k, v in rows[-1].items()))
    tmp = args.output + ".tmp"
    with open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, args.output)


if __name__ == "__main__":
    main()
