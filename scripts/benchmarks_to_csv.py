#!/usr/bin/env python3
"""Runs `swift package benchmark` targets and writes their percentiles to notebooks-data/.

    python3 scripts/benchmarks_to_csv.py PoolBenchmarks [PolarBenchmarks ...]

For each target: `swift package --disable-sandbox benchmark --target T --format influx --path
stdout --no-progress` (ordo-one/package-benchmark's InfluxDB CSV export, release build), then
notebooks-data/benchmarks/T.csv with one row per benchmark, metric and percentile:

    target, benchmark, metric, unit, percentile, value, iterations, warmup_iterations,
    cpu_model, processors, load_before, load_after, seconds, date, commit

`value` is the percentile (p0, p25, p50, p75, p90, p99, p100) of the metric over the run's
`iterations` samples, unscaled: nanoseconds for the time metrics (`unit` ns, whatever unit the
plugin's label names), iterations per second for throughput (`per_s`) and counts for the others
(`unit` count). The export's `test_average` is left out: it is the mean of those seven
percentiles, not of the samples. `load_before` and
`load_after` are the 1-minute load averages around the run, `seconds` the run's wall time
(build included), `date` its UTC day and `commit` the checkout's HEAD (`-dirty` when Sources/,
Benchmarks/ or the package manifest differ from it). The machine is shared, so
the figures vary from run to run; the Guides quote them with this load and date.
"""
import argparse
import csv
import datetime
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine_info import cpu_model  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "notebooks-data", "benchmarks")
FIELDS = ["target", "benchmark", "metric", "unit", "percentile", "value", "iterations",
          "warmup_iterations", "cpu_model", "processors", "load_before", "load_after", "seconds",
          "date", "commit"]


def load():
    with open("/proc/loadavg") as handle:
        return handle.read().split()[0]


def unit(metric):
    """The unit of a metric's unscaled values: ns for times, per_s for throughput, else count."""
    if metric.startswith("Time"):
        return "ns"
    return "per_s" if metric.startswith("Throughput") else "count"


def parse_influx(text):
    """The data rows of the plugin's influx CSV. A benchmark's name may hold commas (the plugin
    then puts it in quotes but does not escape it), so the name is what lies between the 8
    leading and the 6 trailing fields."""
    found = []
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith("measurement,"):
            continue
        fields = line.split(",")
        if len(fields) < 15:
            continue
        head, tail = fields[:8], fields[-6:]
        percentile, value, _, iterations, warmup, _ = tail
        metric = head[6]
        found.append({"target": head[0], "processors": head[3], "metric": metric,
                      "unit": unit(metric),
                      "benchmark": ",".join(fields[8:-6]).strip('"'),
                      "percentile": f"{float(percentile):g}", "value": value,
                      "iterations": iterations, "warmup_iterations": warmup})
    return found


def run(target):
    before = load()
    start = time.monotonic()
    done = subprocess.run(
        ["swift", "package", "--disable-sandbox", "benchmark", "--target", target,
         "--format", "influx", "--path", "stdout", "--no-progress"],
        cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        last = [line for line in done.stderr.splitlines() if line.strip()][-1:] or [""]
        raise SystemExit(f"error: {target}: swift package benchmark exited {done.returncode}: "
                         f"{last[0].strip()}")
    out = done.stdout
    seconds = time.monotonic() - start
    found = parse_influx(out)
    if not found:
        raise SystemExit(f"error: {target}: the benchmark run printed no influx rows")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    changed = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "Sources", "Benchmarks",
                              "Package.swift", "Package.resolved"], cwd=ROOT).returncode
    if changed:
        commit += "-dirty"  # the code that ran is not the commit's
    extra = {"cpu_model": cpu_model(), "load_before": before, "load_after": load(),
             "seconds": f"{seconds:.0f}", "commit": commit,
             "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")}
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"{target}.csv")
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in found:
            writer.writerow({**row, **extra})
    print(f"{path}: {len(found)} rows, {seconds:.0f} s, load {before} → {extra['load_after']}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="+", help="benchmark targets, e.g. PoolBenchmarks")
    for target in parser.parse_args(argv).targets:
        run(target)


if __name__ == "__main__":
    main()
