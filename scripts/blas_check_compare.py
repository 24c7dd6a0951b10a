#!/usr/bin/env python3
"""Do the results depend on how the BLAS was loaded? (Guides/BLAS.md, "Results must not depend on
the loader".)

Runs `coded blas --check` (every value of nine fixed GEMM, dgesv, dpbtrf/dpbtrs, BACC and spline
cases, in shortest round-trip decimals) under several loader settings and compares each, case by
case, with OpenBLAS's own choice of kernels on this CPU (`OPENBLAS_CORETYPE` unset):

* `corrected`: OpenBLAS made to start on its Prescott fallback
  (`CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK=Prescott`), which the library corrects;
* `coretype-own`: `OPENBLAS_CORETYPE` set to the core OpenBLAS chooses itself;
* `SkylakeX`, `Prescott`: `OPENBLAS_CORETYPE` forced to those cores;
* `reference`: Netlib's reference BLAS + LAPACK (`CODEDCOMPUTING_BLAS`/`CODEDCOMPUTING_LAPACK`),
  when installed.

    python3 scripts/blas_check_compare.py [--coded .build/release/coded]
        [--output notebooks-data/blas-check.csv]

One CSV row per setting and case: values, identical (bit-equal values), max_abs_diff, max_abs
(the largest |value| of the baseline case) and relative (max_abs_diff / max_abs), plus the
setting's and the baseline's BLAS core. A second or so.
"""
import argparse
import csv
import io
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coded_tools import add_coded_option, require_executable, write_csv_atomic  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = ("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
             "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3")
CLEARED = ("OPENBLAS_CORETYPE", "CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK", "CODEDCOMPUTING_BLAS",
           "CODEDCOMPUTING_LAPACK")
COLUMNS = ["setting", "blas_core", "baseline_core", "case", "values", "identical", "max_abs_diff",
           "max_abs", "relative"]


def coded_output(coded, extra, arguments):
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(extra)
    proc = subprocess.run([coded, "blas", *arguments], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"error: coded blas {' '.join(arguments)} failed under {extra}: "
                 f"{proc.stderr.strip()}")
    return proc.stdout


def check(coded, extra):
    """({case: [value text]}, BLAS core) under the environment additions `extra`."""
    values = {}
    for r in csv.DictReader(io.StringIO(coded_output(coded, extra, ["--check"]))):
        values.setdefault(r["case"], []).append(r["value"])
    report = next(csv.DictReader(io.StringIO(coded_output(coded, extra, ["--gemm-size", "0"]))))
    return values, report["blas_core"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_coded_option(parser)
    parser.add_argument("--output", default=os.path.join(ROOT, "notebooks-data", "blas-check.csv"))
    args = parser.parse_args()
    require_executable(args.coded)
    baseline, own = check(args.coded, {})
    settings = {"corrected": {"CODEDCOMPUTING_SIMULATE_OPENBLAS_FALLBACK": "Prescott"},
                "coretype-own": {"OPENBLAS_CORETYPE": own},
                "SkylakeX": {"OPENBLAS_CORETYPE": "SkylakeX"},
                "Prescott": {"OPENBLAS_CORETYPE": "Prescott"}}
    if all(os.path.exists(p) for p in REFERENCE):
        settings["reference"] = {"CODEDCOMPUTING_BLAS": REFERENCE[0],
                                 "CODEDCOMPUTING_LAPACK": REFERENCE[1]}
    rows = []
    for setting, extra in settings.items():
        values, core = check(args.coded, extra)
        if values.keys() != baseline.keys():
            sys.exit(f"error: {setting} printed other cases than the baseline")
        for case, base in baseline.items():
            mine = values[case]
            if len(mine) != len(base):
                sys.exit(f"error: {setting} printed {len(mine)} values of {case}, not {len(base)}")
            diff = max(abs(float(a) - float(b)) for a, b in zip(mine, base))
            largest = max(abs(float(b)) for b in base)
            rows.append({"setting": setting, "blas_core": core, "baseline_core": own, "case": case,
                         "values": len(base), "identical": sum(a == b for a, b in zip(mine, base)),
                         "max_abs_diff": repr(diff), "max_abs": repr(largest),
                         "relative": repr(diff / largest if largest else 0.0)})
    write_csv_atomic(args.output, COLUMNS, rows)
    for setting in settings:
        mine = [r for r in rows if r["setting"] == setting]
        print(f"{setting}: {sum(r['identical'] for r in mine)} of {sum(r['values'] for r in mine)} "
              f"values bit-identical; largest relative difference "
              f"{max(float(r['relative']) for r in mine):.2g}")


if __name__ == "__main__":
    main()
