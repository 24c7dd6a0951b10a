#!/usr/bin/env bash
# Reruns every speed measurement the README and the Guides quote, into notebooks-data/, then
# regenerates the quoted figures from those CSVs (python3 scripts/check_readme_numbers.py --write).
# Run it on a quiet machine (it prints the load average before and after); it takes several
# minutes on 2 cores (not timed here). Review `git diff` afterwards: the text around the figures (targets met or
# not, "faster"/"slower") is checked only where a claim in scripts/doc_claims.py computes it.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release -j 2 --product coded
swift build -c release -j 2 --product spline-timing
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 scripts/blas_fallback_speed.py                       # blas-fallback.csv
python3 scripts/compare_coding_speed.py --repeats 60          # coding-speed.csv (+ .png)
python3 scripts/nn_forward_speed.py                           # nn-forward-speed.csv
python3 scripts/compare_spline_speed.py                       # spline-speed.csv (+ .png)
python3 scripts/polar_study.py --only timing --repeats 101    # polar-timing.csv, polar-crossover.csv
python3 scripts/lt_study.py --only speed                      # lt-speed.csv (+ .png)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 scripts/check_readme_numbers.py --write
