"""coded_tools.py: one command builder for `coded` and reference_coded.py, with the same flag names and defaults."""
import csv
import io
import re
import subprocess

import pytest

import coded_tools as ct
import reference_coded as rc
from study_engines import Sweep, run_reference


def test_builder_writes_flags_in_order_and_exact_numbers():
    args = ct.experiment_args(["coded", "sweep"], scheme="letcc", function="xsinx", K=10, input_range=(-1.0, 1.0),
                              workers=[20, 40], stragglers=[5], decoder_lambda=0.0017782794100389228,
                              encoder_lambda="optimal", noise=0.01, straggler_set=None, seed=0)
    assert args == ["coded", "sweep", "--scheme", "letcc", "--function", "xsinx", "--K", "10",
                    "--input-range=-1:1", "--workers", "20,40", "--stragglers", "5", "--encoder-lambda", "optimal",
                    "--decoder-lambda", "0.0017782794100389228", "--noise", "0.01", "--seed", "0"]
    assert ct.number_text(0.0) == "0" and ct.number_text(1e-8) == "1e-08" and ct.number_text(10.0) == "10"
    with pytest.raises(TypeError, match="unknown experiment option"):
        ct.experiment_args([], straggler_probability=0.1)  # the old reference spelling


def test_reference_takes_the_builders_command():
    sw = Sweep("x", "bacc", "xsinx", 1, [20, 40], [3], "random", trials=3, seed=2, noise=1e-3,
               decoder_lambda=0.0)
    out = io.StringIO()
    args = ct.experiment_args([], **sw.options())
    from contextlib import redirect_stdout
    with redirect_stdout(out):
        assert rc.main(args) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [int(r["N"]) for r in rows] == [20, 40] and "mse_std" in rows[0]
    assert [float(r["mse"]) for r in rows] == [float(r["mse"]) for r in run_reference(sw)]


def _help_defaults(text: str) -> dict[str, str]:
    """--flag → default (or None) from a swift-argument-parser help text."""
    flags: dict[str, str | None] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^  (--[a-zA-Z-]+)", line)  # an option, not a wrapped help line
        if m:
            current = m.group(1)
            flags[current] = None
        d = re.search(r"\(default: ([^)]*)\)", line)
        if d and current:
            flags[current] = d.group(1)
    return flags


def _same(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return a == b


def test_reference_flags_and_defaults_are_codeds():
    binary = ct.find_binary(None)
    if binary is None:
        pytest.skip("no coded binary")
    sweep = _help_defaults(subprocess.run([binary, "sweep", "--help"], capture_output=True, text=True).stdout)
    run = _help_defaults(subprocess.run([binary, "run", "--help"], capture_output=True, text=True).stdout)
    reference = {a.option_strings[0]: a.default for a in rc.parser()._actions if a.option_strings}
    only_reference = {"--adversary-strategy"}
    for _, flag in ct.FLAGS:
        if flag in only_reference:
            assert flag in reference
            continue
        coded = sweep if flag in sweep else run
        assert flag in coded, f"coded has no {flag}"
        assert flag in reference, f"the reference has no {flag}"
        if flag not in ("--scheme", "--workers"):  # a single value in `coded run`, a list in sweep
            assert _same(coded[flag], reference[flag]), f"{flag}: coded {coded[flag]} reference {reference[flag]}"


def test_reference_defaults_without_a_binary():
    # The defaults of Sources/coded/ExperimentOptions.swift, pinned here for machines without `coded`.
    a = rc.parser().parse_args(["--scheme", "letcc", "--function", "xsinx", "--workers", "20"])
    assert (a.nodes, a.decoder_lambda, a.encoder_lambda, a.straggler_model) == ("chebyshev", "optimal", "0", "random")
    assert (a.stragglers, a.adversary_magnitude, a.straggle_probability, a.dim, a.input_range) == ("0", 100.0, None, 1, "-1:1")
    assert rc.HEADER[9] == "mse_std"
