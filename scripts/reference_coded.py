#!/usr/bin/env python3
"""An independent NumPy/SciPy implementation of CodedComputing's coded schemes.

It follows the definitions of DESIGN.md ("Mathematical conventions") without sharing any code
with the Swift package, so that the two can be checked against each other on identical inputs
(scripts/cross_check.py) and timed side by side (scripts/decay_study.py).

- Nodes on Ω = [−1, 1], ascending; worker n ↔ βₙ. Layouts: ``equispaced`` (α, β equispaced),
  ``chebyshev`` (α Chebyshev 1st kind, β Chebyshev 2nd kind), ``midpoints`` (α cell midpoints,
  β equispaced).
- LeTCC (Moradi, Tahmasebi & Maddah-Ali 2024): encoder = smoothing spline through (α_k, x_k) with
  λ_enc evaluated at β; decoder = smoothing spline through the survivors (βₙ, yₙ), n ∈ T, with
  λ_dec evaluated at α. The spline is scipy's ``make_smoothing_spline(x, y, lam=λ)`` (same λ
  convention as the Swift SplineSmoother); outside the knot range it is continued *linearly*
  (the natural spline's own extension, as the Swift SmoothingSpline does), not with scipy's
  end cubic.
- BACC (Jahani-Nezhad & Maddah-Ali 2022): Berrut's first form r(z) = Σ(−1)ⁱyᵢ/(z−tᵢ) /
  Σ(−1)ⁱ/(z−tᵢ) over the points in use, re-indexed 0..|T|−1 in ascending order; exact at nodes.
- LCC (Yu et al. 2019): Lagrange polynomial through α (encoder) and through all survivors
  (decoder), barycentric form (scipy ``BarycentricInterpolator``).
- uncoded (N = K) and replication (N ≥ K): worker n computes f(x_{n mod K}); the decoder
  averages the surviving copies of each input, and an input with no surviving copy is scored as
  the mean of all received outputs (the rule of the Swift ReplicationCode).
- LeTCC decoder λ: a number, ``gcv`` (own GCV search, so λ agrees with Swift only to optimiser
  tolerance) or ``optimal`` (the Swift plug-in schedule, re-derived in :func:`optimal_lambda`).
- MSE = (1/(K·m)) Σ_k ‖f̂(x_k) − f(x_k)‖². Straggler models ``none``, ``random`` (uniform
  S-subset), ``worst-window`` (all N−S+1 windows of S consecutive workers; MSE = max over
  windows), ``list`` (an explicit straggler set, for cross-checks), and two models beyond
  DESIGN.md used by the decay study: ``probabilistic`` (each worker straggles independently with
  probability p; Moradi & Maddah-Ali 2025, arXiv 2502.00645) and Byzantine adversaries
  (q workers return bounded arbitrary values; Moradi, Akbarinodehi & Maddah-Ali 2025,
  arXiv 2502.08058).

Code: nodes, smoothers and interpolants in reference_interpolants.py; schemes, straggler models
and the experiment loop in reference_schemes.py; this file pins BLAS to one thread, re-exports
both and holds the CSV helpers and the command line.

Run ``python3 scripts/reference_coded.py --help``. The flags, their defaults and the CSV's first
columns are those of ``coded run`` (nodes chebyshev, decoder λ optimal, straggler model random,
``--straggle-probability``, ``--adversary-magnitude`` 100, ``mse_std``); ``--scheme``,
``--workers`` and ``--stragglers`` also take comma lists with one row per point, like
``coded sweep`` (and ``--output FILE``), so scripts/coded_tools.experiment_args builds the
command of either program. Beyond ``coded``: ``--adversary-strategy`` (default uniform, the
``coded`` model).
Dependencies: numpy, scipy (scripts/requirements.txt).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys

# Small dense problems: BLAS threads only contend on a shared 2-core machine (measured: eigh of a
# 75 × 75 matrix took 39 ms with OpenBLAS threads under load, well under 1 ms single-threaded).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The reference lives in two modules; their names are re-exported here (rc.Scheme, rc.berrut, ...).
from reference_interpolants import (LAYOUTS, NaturalSmoothingSpline, berrut, berrut_matrix,  # noqa: E402,F401
                                    gcv_lambda, gcv_score, lagrange, layout_nodes, node_family,
                                    optimal_encoder_lambda, optimal_lambda, penalty_matrix)
from reference_schemes import (FUNCTIONS, POLYNOMIAL_DEGREE, SCHEMES, RunResult, Scheme,  # noqa: E402,F401
                               apply_function, coded_round, mse, run, survivors_of, worst_windows)


# --------------------------------------------------------------------------------------------
# CSV helpers and the command line


def read_matrix_csv(path: str) -> np.ndarray:
    """A CSV with one header line and numeric rows → 2-D array."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        raise ValueError(f"{path}: needs a header and at least one row")
    try:
        return np.array([[float(v) for v in row] for row in rows[1:] if row], dtype=float)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


def write_matrix_csv(path: str, matrix: np.ndarray, prefix: str = "x") -> None:
    import os
    import tempfile

    matrix = np.atleast_2d(matrix)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".csv")
    with os.fdopen(fd, "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow([f"{prefix}{j}" for j in range(matrix.shape[1])])
        for row in matrix:
            w.writerow([repr(float(v)) for v in row])
    os.replace(tmp, path)


def generated_inputs(K: int, dim: int, low: float, high: float, seed: int) -> np.ndarray:
    """K × dim inputs uniform on [low, high] (numpy's generator; Swift's differs)."""
    return np.random.default_rng(seed).uniform(low, high, size=(K, dim))


def parse_lambda(text: str) -> float | str:
    if text in ("gcv", "optimal"):
        return text
    value = float(text)
    if not value >= 0:
        raise ValueError(f"lambda must be >= 0, got {text}")
    return value


def _int_list(text: str, flag: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ValueError(f"{flag} must be comma-separated integers, got '{text}'") from None
    if not values:
        raise ValueError(f"{flag} lists nothing")
    return values


def parser() -> argparse.ArgumentParser:
    """The flags of ``coded run`` / ``coded sweep`` (Sources/coded/ExperimentOptions.swift), same
    names and defaults, plus --adversary-strategy."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scheme", required=True, help=f"comma-separated: {', '.join(SCHEMES)}")
    p.add_argument("--function", required=True, choices=sorted(FUNCTIONS))
    p.add_argument("--inputs", help="CSV with a header, K rows and d columns: the inputs x_k")
    p.add_argument("--K", type=int, help="number of random inputs (with --dim and --input-range)")
    p.add_argument("--dim", type=int, default=1)
    p.add_argument("--input-range", default="-1:1")
    p.add_argument("--workers", required=True, help="N, or comma-separated Ns (one row each)")
    p.add_argument("--stragglers", default="0", help="S, or comma-separated Ss (one row each)")
    p.add_argument("--straggler-model", default="random",
                   choices=["none", "random", "worst-window", "probabilistic", "fixed"])
    p.add_argument("--straggler-set", help="comma-separated 0-based straggler indices (β order)")
    p.add_argument("--straggle-probability", type=float, help="p for --straggler-model probabilistic")
    p.add_argument("--adversaries", type=int, default=0)
    p.add_argument("--adversary-magnitude", type=float, default=100.0)
    p.add_argument("--adversary-strategy", default="uniform", choices=["uniform", "block", "random-sign"])
    p.add_argument("--nodes", default="chebyshev", choices=sorted(LAYOUTS))
    p.add_argument("--encoder-lambda", default="0")
    p.add_argument("--decoder-lambda", default="optimal")
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--trials", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output", help="write the CSV here (atomically) instead of stdout")
    p.add_argument("--decoded-output", help="write the decoded K × m values (last trial) as CSV")
    return p


HEADER = ["scheme", "function", "K", "N", "S", "straggler_model", "noise", "trials", "mse", "mse_std", "mse_max"]
"""The reference's CSV: the first columns of ``coded run``'s, in its names (up to mse_std), then mse_max."""


def main(argv: list[str] | None = None) -> int:
    a = parser().parse_args(argv)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    decoded = None
    try:
        if a.inputs:
            x = read_matrix_csv(a.inputs)
        else:
            if a.K is None:
                raise ValueError("give --inputs FILE or --K")
            lo, hi = (float(v) for v in a.input_range.split(":"))
            x = generated_inputs(a.K, a.dim, lo, hi, a.seed)
        if a.straggler_model == "probabilistic" and a.straggle_probability is None:
            raise ValueError("--straggler-model probabilistic needs --straggle-probability P")
        if a.straggler_model == "fixed" and a.straggler_set is None:
            raise ValueError("--straggler-model fixed needs --straggler-set W1,W2,...")
        strag_list = None
        if a.straggler_set is not None:
            strag_list = [int(v) for v in a.straggler_set.split(",") if v.strip()]
        for name in [v.strip() for v in a.scheme.split(",") if v.strip()]:
            for workers in _int_list(a.workers, "--workers"):
                for stragglers in _int_list(a.stragglers, "--stragglers"):
                    model, S = a.straggler_model, stragglers
                    if strag_list is not None:
                        model, S = "list", len(strag_list)
                    scheme = Scheme(name, x.shape[0], workers, a.nodes, parse_lambda(a.encoder_lambda),
                                    parse_lambda(a.decoder_lambda), a.function, a.noise, S)
                    r = run(scheme, x, S, model, a.noise, a.trials, a.seed, strag_list,
                            a.straggle_probability or 0.0, a.adversaries, a.adversary_magnitude,
                            a.adversary_strategy)
                    w.writerow([name, a.function, scheme.K, workers, S, model, a.noise, r.trials,
                                repr(r.mse), repr(r.mse_std), repr(r.mse_max)])
                    decoded = r.decoded if r.decoded is not None else decoded
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if a.output:
        tmp = a.output + ".tmp"
        with open(tmp, "w", newline="") as handle:
            handle.write(out.getvalue())
        os.replace(tmp, a.output)
    else:
        sys.stdout.write(out.getvalue())
    if a.decoded_output and decoded is not None:
        write_matrix_csv(a.decoded_output, decoded, prefix="y")
    return 0


if __name__ == "__main__":
    sys.exit(main())
