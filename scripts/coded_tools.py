"""What the scripts share about driving an experiment program: where the `coded` binary is, and
one command builder for `coded run`, `coded sweep` and scripts/reference_coded.py.

The reference takes the same flag names and defaults as `coded` (ExperimentOptions in
Sources/coded), so a single list of options turns into the arguments of either program:

    experiment_args([binary, "sweep"], scheme="letcc", function="xsinx", K=10, workers=[20, 40])
    experiment_args(["python3", "scripts/reference_coded.py"], scheme="letcc", ...)

No numpy here: importing this module changes nothing about BLAS threads.
"""

from __future__ import annotations

import numbers
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""The repository root (the parent of scripts/)."""

BINARY_HINT = "swift build -c release --product coded"


def find_binary(explicit: str | None = None) -> str | None:
    """The `coded` executable: ``explicit`` if it is an executable file, else (with no
    ``explicit``) .build/release/coded, then .build/debug/coded; None when there is none."""
    if explicit:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    for build in ("release", "debug"):
        path = os.path.join(ROOT, ".build", build, "coded")
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def add_coded_option(parser) -> None:
    """`--coded PATH` for the measurement scripts that time a release build (default
    .build/release/coded); check it with ``require_executable``."""
    parser.add_argument("--coded", default=os.path.join(ROOT, ".build", "release", "coded"))


def require_executable(path: str) -> str:
    """``path``, or exit with one error: line when it is not an executable."""
    if not os.access(path, os.X_OK):
        raise SystemExit(f"error: {path} is not an executable (swift build -c release)")
    return path


# (keyword, flag) in the order the arguments are written. Every flag is one both `coded`
# (run/sweep) and reference_coded.py take, except --output (sweep only) and --adversary-strategy
# (the reference only; its default, uniform, is the `coded` model).
FLAGS = [
    ("scheme", "--scheme"), ("function", "--function"), ("inputs", "--inputs"), ("K", "--K"),
    ("dim", "--dim"), ("input_range", "--input-range"), ("workers", "--workers"),
    ("stragglers", "--stragglers"), ("straggler_model", "--straggler-model"),
    ("straggler_set", "--straggler-set"), ("nodes", "--nodes"), ("encoder_lambda", "--encoder-lambda"),
    ("decoder_lambda", "--decoder-lambda"), ("noise", "--noise"), ("trials", "--trials"), ("seed", "--seed"),
    ("output", "--output"), ("straggle_probability", "--straggle-probability"), ("adversaries", "--adversaries"),
    ("adversary_magnitude", "--adversary-magnitude"), ("adversary_strategy", "--adversary-strategy"),
    ("decoded_output", "--decoded-output"),
]


def number_text(value) -> str:
    """A number as a flag value: ints as they are, floats in %g when that is exact, else repr
    (so the program parses back the very same double); strings (gcv, optimal, paths) unchanged."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"not a flag value: {value!r}")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    short = f"{value:g}"
    return short if float(short) == value else repr(float(value))


def experiment_args(program: list[str], **options) -> list[str]:
    """``program`` followed by one ``--flag value`` per option that is not None, in FLAGS order.

    Lists (workers, stragglers, straggler_set) are joined with commas; ``input_range`` is a
    (low, high) pair written as ``--input-range=LOW:HIGH`` (one word, as LOW may be negative).
    """
    unknown = set(options) - {key for key, _ in FLAGS}
    if unknown:
        raise TypeError(f"unknown experiment option(s): {', '.join(sorted(unknown))}")
    args = list(program)
    for key, flag in FLAGS:
        value = options.get(key)
        if value is None:
            continue
        if key == "input_range":
            low, high = value
            args.append(f"{flag}={number_text(low)}:{number_text(high)}")
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(number_text(v) for v in value)
        args += [flag, number_text(value)]
    return args


def write_csv_atomic(path: str, fieldnames: list[str], rows: list[dict]) -> None:
    """Writes `rows` as CSV with a header to `path` through a temporary file and a rename, so a
    reader never sees a half-written file."""
    import csv
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
