#!/usr/bin/env python3
"""A stand-in for the `coded` binary, built on reference_coded.py, to test cross_check.py's plumbing.

`fake_coded.py run ARGS` behaves like `coded run` with --straggler-set and --decoded-output;
FAKE_CODED_PERTURB=eps multiplies the printed MSE by (1 + eps).
"""
import io
import os
import sys
from contextlib import redirect_stdout

if len(sys.argv) < 2 or sys.argv[1] != "run":
    print("error: only 'run' is faked", file=sys.stderr)
    sys.exit(64)
if "--help" in sys.argv:
    print("USAGE: coded run ... [--straggler-set <set>] [--decoded-output <file>]")
    sys.exit(0)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import reference_coded as rc  # noqa: E402

buffer = io.StringIO()
with redirect_stdout(buffer):
    status = rc.main(sys.argv[2:])
lines = buffer.getvalue().splitlines()
eps = float(os.environ.get("FAKE_CODED_PERTURB", "0"))
if status == 0 and eps:
    header, row = lines[0].split(","), lines[1].split(",")
    i = header.index("mse")
    row[i] = repr(float(row[i]) * (1 + eps))
    lines[1] = ",".join(row)
print("\n".join(lines))
sys.exit(status)
