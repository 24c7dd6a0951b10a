#!/usr/bin/env python3
"""What the span test of LT sum recovery gains and costs, per span limit L (Guides/LTCodes.md,
"What L and overflows cost"): `coded lt threshold --sources 1000 --trials 200 --mode sum
--span-limit L --seed 0` for each L, one CSV row per L with the mean threshold M′, the trials the
span test completed before peeling, the tracker overflows (both from the command's stderr
summary), the decoder's own seconds and the whole process's wall seconds, and the load average.

    python3 scripts/lt_span_limit.py [--coded .build/release/coded] [--limits 0,64,256]
        [--output notebooks-data/lt-span-limit.csv]

L = 1 000 (= m) takes minutes (227 s in a release build); it is not in the default list.
"""
import argparse
import csv
import io
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coded_tools import add_coded_option, require_executable, write_csv_atomic  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUMMARY = re.compile(r"sum mode: (\d+) of (\d+) trials completed by the span test before "
                     r"peeling; (\d+) tracker overflows \(span limit (\d+)\)")
DECODED = re.compile(r"decoded (\d+) trials, (\d+) edges in ([0-9.]+) s")
COLUMNS = ["sources", "trials", "seed", "span_limit", "mean", "span_completions",
           "tracker_overflows", "decoder_seconds", "wall_seconds", "build", "load1"]


def run(coded, limit, sources, trials, seed):
    """One row of the CSV for span limit `limit`."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run([coded, "lt", "threshold", "--sources", str(sources), "--trials",
                           str(trials), "--mode", "sum", "--span-limit", str(limit), "--seed",
                           str(seed), "--format", "csv"], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"error: coded lt threshold failed: {proc.stderr.strip()}")
    summary, decoded = SUMMARY.search(proc.stderr), DECODED.search(proc.stderr)
    if summary is None or decoded is None:
        sys.exit("error: coded lt threshold printed no sum-mode summary on stderr")
    row = next(csv.DictReader(io.StringIO(proc.stdout)))
    return {"sources": sources, "trials": trials, "seed": seed, "span_limit": limit,
            "mean": row["mean"], "span_completions": summary.group(1),
            "tracker_overflows": summary.group(3), "decoder_seconds": decoded.group(3),
            "wall_seconds": f"{wall:.3f}",
            "build": "release" if "/release/" in coded else "debug", "load1": f"{load:.2f}"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_coded_option(parser)
    parser.add_argument("--limits", default="0,64,256")
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=os.path.join(ROOT, "notebooks-data",
                                                         "lt-span-limit.csv"))
    args = parser.parse_args()
    require_executable(args.coded)
    rows = [run(args.coded, int(limit), args.sources, args.trials, args.seed)
            for limit in args.limits.split(",")]
    write_csv_atomic(args.output, COLUMNS, rows)
    for r in rows:
        print(", ".join(f"{k}={r[k]}" for k in ("span_limit", "mean", "span_completions",
                                                 "tracker_overflows", "decoder_seconds")))


if __name__ == "__main__":
    main()
