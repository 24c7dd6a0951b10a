#!/usr/bin/env bash
# Regenerates every speed CSV (and its PNG) of notebooks-data/ from one release build, in one run:
#   coding-speed.csv/.png      scripts/compare_coding_speed.py --repeats 20
#   spline-speed.csv/.png      scripts/compare_spline_speed.py --repeats 2
#   nn-forward-speed.csv       scripts/nn_forward_speed.py (3 alternating Swift/NumPy rounds)
#   lt-speed.csv/.png          scripts/lt_study.py --only speed
#   blas-fallback.csv          scripts/blas_fallback_speed.py
#   polar-timing.csv, polar-crossover.csv   scripts/polar_study.py --only timing --repeats 101
#   blas-check.csv             scripts/blas_check_compare.py (results per BLAS loader, 2 s)
#   coded-inference-timing.csv scripts/coded_inference_timing.py (both grids, about 25 s)
#   lt-span-limit.csv          scripts/lt_span_limit.py --limits 0,64,256,1000 (about 75 s)
#   benchmarks/*.csv           scripts/benchmarks_to_csv.py, the seven `swift package benchmark`
#                              targets the Guides quote (about 5 min on 1 December 2026 at load
#                              2-5, LTBenchmarks 2 min of it; --no-benchmarks skips them)
# then rewrites the README's number tables from them (scripts/check_readme_numbers.py --write).
#
# Run it on a quiet machine (nothing else building): every figure is a wall-clock time. The load
# average before and after each step is printed and kept in notebooks-data/speed-refresh.log,
# so the figures can be labelled with the conditions they were measured under. The run of
# 1 December 2026 (load about 1) took 200 s for the first six steps; the last three add about
# 100 s. The release build is not included.
#
# Usage: bash scripts/refresh_speed.sh [--no-build] [--no-readme] [--no-benchmarks]
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
readme=1
benchmarks=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --no-readme) readme=0 ;;
    --no-benchmarks) benchmarks=0 ;;
    *) echo "error: unknown option '$arg' (expected --no-build, --no-readme or --no-benchmarks)" >&2
       exit 1 ;;
  esac
done

if [ "$build" = 1 ]; then
  swift build -c release -j 2 --product coded
  swift build -c release -j 2 --product spline-timing
fi

log=notebooks-data/speed-refresh.log
: > "$log"
note() { echo "$(date -u '+%Y-%m-%dT%H:%M:%SZ') $*" | tee -a "$log"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

note "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores;" \
  "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}; $(.build/release/coded blas --gemm-size 0 | tail -1 | cut -d, -f1-4)"
start=$SECONDS
step() {
  local name=$1
  shift
  note "start $name, load $(load)"
  local t0=$SECONDS
  "$@"
  note "end   $name after $((SECONDS - t0)) s, load $(load)"
}

step coding-speed python3 scripts/compare_coding_speed.py --repeats 20
step spline-speed python3 scripts/compare_spline_speed.py --repeats 2
step nn-forward-speed python3 scripts/nn_forward_speed.py
step lt-speed python3 scripts/lt_study.py --only speed
step blas-fallback python3 scripts/blas_fallback_speed.py
step polar-timing python3 scripts/polar_study.py --only timing --repeats 101
step blas-check python3 scripts/blas_check_compare.py
step coded-inference-timing python3 scripts/coded_inference_timing.py
step lt-span-limit python3 scripts/lt_span_limit.py --limits 0,64,256,1000
if [ "$benchmarks" = 1 ]; then
  step benchmarks python3 scripts/benchmarks_to_csv.py PoolBenchmarks PolarBenchmarks \
    NNBenchmarks CodingBenchmarks BlackBoxBenchmarks LTBenchmarks SplineBenchmarks
fi
if [ "$readme" = 1 ]; then
  step readme python3 scripts/check_readme_numbers.py --write
fi
note "all speed CSVs refreshed in $((SECONDS - start)) s"
