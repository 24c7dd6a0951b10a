#!/usr/bin/env python3
"""Cross-check `coded run` against the independent NumPy/SciPy reference on identical inputs.

For a small grid of (scheme, function, layout, K, d, N, S, straggler set, λ) the script writes
the inputs to CSV files, runs ``coded run --inputs FILE …`` and ``reference_coded.run`` on the
same inputs, nodes, λ and straggler sets, and compares the MSE (and, when the CLI can write them,
the decoded values) to a relative tolerance of 1e-8; two MSEs both below 1e-20 (exact to
rounding, e.g. LCC on a polynomial within its threshold) count as agreeing.

Straggler sets: ``none`` and ``worst-window`` are deterministic, so they are compared as they
are. Random sets cannot be shared through seeds (Swift's and numpy's generators differ), so the
script draws them here and passes them with ``--straggler-set i,j,k`` (0-based worker indices in
β order) with ``--straggler-model fixed``. If the binary lacks that flag (or ``--decoded-output FILE``), those comparisons are
listed as "unsupported"; with ``--require-features`` that is a failure.

GCV cases search λ with two independent optimisers; they are compared with a loose tolerance
(``--gcv-tolerance``, default 5e-2 relative on the MSE) and reported separately.

Exit status: 0 all compared cases agree; 1 a mismatch, an error from the binary, or a missing
binary/feature under ``--require-binary`` / ``--require-features``. Without a binary (and without
``--require-binary``) only the reference runs, and the script says so on stderr.

    python3 scripts/cross_check.py --binary .build/release/coded --require-binary
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_coded as rc  # noqa: E402
from coded_tools import BINARY_HINT, experiment_args, find_binary  # noqa: E402


@dataclass
class Case:
    scheme: str
    function: str
    layout: str
    K: int
    d: int
    N: int
    S: int
    model: str  # none | worst-window | list
    encoder_lambda: float | str = 0.0
    decoder_lambda: float | str = 0.0
    stragglers: tuple[int, ...] = ()
    input_range: tuple[float, float] = (-2.0, 2.0)
    seed: int = 0

    def label(self) -> str:
        extra = f" set={','.join(map(str, self.stragglers))}" if self.model == "list" else ""
        return (f"{self.scheme:7s} {self.function:7s} {self.layout:10s} K={self.K} d={self.d} N={self.N} "
                f"S={self.S} {self.model}{extra} λe={self.encoder_lambda} λd={self.decoder_lambda}")

    def uses_gcv(self) -> bool:
        return "gcv" in (self.encoder_lambda, self.decoder_lambda)


def default_grid(seed: int = 0) -> list[Case]:
    """A small grid that touches every definition: layouts, λ = 0 and > 0, edge stragglers
    (extrapolation), interior stragglers, multi-column outputs, LCC at its threshold."""
    rng = np.random.default_rng(seed)
    cases: list[Case] = []
    for layout in ("equispaced", "chebyshev", "midpoints"):
        for fn, d in (("xsinx", 1), ("sigmoid", 3)):
            for lam_e, lam_d in ((0.0, 0.0), (1e-4, 1e-6), (0.0, 1e-3)):
                cases.append(Case("letcc", fn, layout, 8, d, 30, 0, "none", lam_e, lam_d, seed=seed))
                cases.append(Case("letcc", fn, layout, 8, d, 30, 4, "worst-window", lam_e, lam_d, seed=seed))
            cases.append(Case("bacc", fn, layout, 8, d, 30, 0, "none", seed=seed))
            cases.append(Case("bacc", fn, layout, 8, d, 30, 5, "worst-window", seed=seed))
            for _ in range(2):
                st = tuple(sorted(int(v) for v in rng.choice(30, size=6, replace=False)))
                cases.append(Case("letcc", fn, layout, 8, d, 30, 6, "list", 1e-4, 1e-5, st, seed=seed))
                cases.append(Case("bacc", fn, layout, 8, d, 30, 6, "list", 0.0, 0.0, st, seed=seed))
            # Both end workers straggle: the decoder must extrapolate linearly (equispaced α = ±1).
            cases.append(Case("letcc", fn, layout, 8, d, 30, 2, "list", 0.0, 1e-5, (0, 29), seed=seed))
        # LCC: square (degree 2) with K = 4 needs 7 survivors; N = 12 tolerates 5 stragglers.
        cases.append(Case("lcc", "square", layout, 4, 2, 12, 5, "worst-window", seed=seed))
        cases.append(Case("lcc", "sin", layout, 5, 1, 12, 3, "worst-window", input_range=(-1, 1), seed=seed))
        st = tuple(sorted(int(v) for v in rng.choice(12, size=4, replace=False)))
        cases.append(Case("lcc", "cube", layout, 3, 1, 12, 4, "list", stragglers=st, input_range=(-1, 1), seed=seed))
    # Large λ·(1/h)³ (Chebyshev-2 β crowd at the ends): the ill-conditioned regime. The reference
    # (scipy) agrees with a dense Reinsch solve (I + λQR⁻¹Qᵀ)g = y to 1.3e-9 (N = 40, λ = 1),
    # 4.2e-9 (N = 160, λ = 1e-2) and 3.6e-10 (equispaced N = 160, λ = 1) — measured for
    # y = sin 3β; beyond that scipy itself loses digits, so larger λ·N are not compared.
    for layout, n, lam in (("chebyshev", 40, 1.0), ("chebyshev", 160, 1e-2), ("equispaced", 160, 1.0)):
        cases.append(Case("letcc", "xsinx", layout, 8, 1, n, 0, "none", 0.0, lam, seed=seed))
        cases.append(Case("letcc", "sigmoid", layout, 8, 2, n, 3, "list", 0.0, lam,
                          tuple(sorted(int(v) for v in rng.choice(n, size=3, replace=False))), seed=seed))
    cases.append(Case("uncoded", "sigmoid", "equispaced", 6, 2, 6, 2, "list", stragglers=(1, 4), seed=seed))
    cases.append(Case("replication", "xsinx", "equispaced", 4, 1, 10, 3, "list", stragglers=(0, 4, 8), seed=seed))
    cases.append(Case("replication", "sin", "equispaced", 4, 2, 9, 2, "worst-window", seed=seed))
    cases.append(Case("letcc", "xsinx", "chebyshev", 8, 2, 40, 5, "worst-window", 0.0, "gcv", seed=seed))
    cases.append(Case("letcc", "sigmoid", "equispaced", 8, 1, 40, 0, "none", 1e-4, "gcv", seed=seed))
    # Encoder λ choices: the `optimal` schedule K·h³/24 (planned for the experiment's S) and GCV
    # on the inputs.
    for layout in ("equispaced", "chebyshev", "midpoints"):
        cases.append(Case("letcc", "xsinx", layout, 8, 2, 30, 4, "worst-window", "optimal", 0.0, seed=seed))
        cases.append(Case("letcc", "sigmoid", layout, 8, 1, 30, 3, "list", "optimal", 1e-5, (0, 7, 20),
                          seed=seed))
    cases.append(Case("letcc", "xsinx", "chebyshev", 10, 2, 40, 5, "worst-window", "gcv", 0.0, seed=seed))
    cases.append(Case("letcc", "sin", "midpoints", 12, 1, 40, 0, "none", "gcv", 1e-6,
                      input_range=(-1, 1), seed=seed))
    return cases


def inputs_for(case: Case) -> np.ndarray:
    lo, hi = case.input_range
    return rc.generated_inputs(case.K, case.d, lo, hi, case.seed + 1000 * case.K + case.d)


def reference(case: Case, x: np.ndarray) -> tuple[float, np.ndarray | None]:
    scheme = rc.Scheme(case.scheme, case.K, case.N, case.layout, case.encoder_lambda,
                       case.decoder_lambda, case.function, planned_stragglers=case.S)
    r = rc.run(scheme, x, case.S, case.model, straggler_list=list(case.stragglers) or None)
    return r.mse, r.decoded


def binary_features(binary: str) -> set[str]:
    """Which optional `coded run` flags the binary understands (from its --help)."""
    try:
        text = subprocess.run([binary, "run", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return set()
    help_text = text.stdout + text.stderr
    return {flag for flag in ("--straggler-set", "--decoded-output") if flag in help_text}


def run_binary(binary: str, case: Case, inputs_path: str, decoded_path: str | None) -> tuple[float, str]:
    fixed = case.model == "list"
    args = experiment_args([binary, "run"], scheme=case.scheme, function=case.function, inputs=inputs_path,
                           workers=case.N, stragglers=case.S, straggler_model="fixed" if fixed else case.model,
                           straggler_set=case.stragglers if fixed else None, nodes=case.layout,
                           encoder_lambda=case.encoder_lambda, decoder_lambda=case.decoder_lambda, trials=1,
                           seed=case.seed, decoded_output=decoded_path)
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {proc.stderr.strip()} [{' '.join(args)}]")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    if len(rows) != 1 or "mse" not in rows[0]:
        raise RuntimeError(f"unexpected output: {proc.stdout!r}")
    return float(rows[0]["mse"]), " ".join(args)


EXACT_FLOOR = 1e-20
"""Two MSEs both below this (RMS error ≤ 1e-10 on O(1) outputs) are both "exact to rounding":
their ratio is noise, so they count as agreeing (relative difference reported as 0)."""


def relative_difference(a: float, b: float) -> float:
    if abs(a) <= EXACT_FLOOR and abs(b) <= EXACT_FLOOR:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Cross-check `coded run` against reference_coded.py.")
    p.add_argument("--binary", help="path to coded (default: .build/release/coded, then .build/debug/coded)")
    p.add_argument("--require-binary", action="store_true", help="fail if the binary is missing")
    p.add_argument("--require-features", action="store_true",
                   help="fail if the binary lacks --straggler-set or --decoded-output")
    p.add_argument("--tolerance", type=float, default=1e-8)
    p.add_argument("--gcv-tolerance", type=float, default=5e-2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=0, help="check only every k-th case so that about this many run")
    p.add_argument("--verbose", action="store_true")
    a = p.parse_args(argv)

    start = time.perf_counter()
    binary = find_binary(a.binary)
    if binary is None:
        where = a.binary or ".build/{release,debug}/coded"
        if a.require_binary:
            print(f"error: coded binary not found at {where} (build it: {BINARY_HINT})",
                  file=sys.stderr)
            return 1
        print(f"warning: no coded binary at {where}; running the reference only (no comparison)", file=sys.stderr)
    features = binary_features(binary) if binary else set()
    if binary:
        missing = {"--straggler-set", "--decoded-output"} - features
        if missing:
            msg = f"coded run lacks {', '.join(sorted(missing))}"
            if a.require_features:
                print(f"error: {msg}", file=sys.stderr)
                return 1
            print(f"warning: {msg}; those comparisons are skipped and listed as unsupported", file=sys.stderr)

    failures, compared, unsupported, worst = 0, 0, 0, 0.0
    with tempfile.TemporaryDirectory(prefix="cross-check-") as tmp:
        grid = default_grid(a.seed)
        if a.limit and a.limit < len(grid):
            grid = grid[:: -(-len(grid) // a.limit)]
        for i, case in enumerate(grid):
            x = inputs_for(case)
            inputs_path = os.path.join(tmp, f"inputs-{i}.csv")
            rc.write_matrix_csv(inputs_path, x)
            ref_mse, ref_decoded = reference(case, x)
            if not binary:
                if a.verbose:
                    print(f"reference {case.label()}: mse={ref_mse:.6e}")
                continue
            if case.model == "list" and "--straggler-set" not in features:
                unsupported += 1
                continue
            decoded_path = os.path.join(tmp, f"decoded-{i}.csv") if "--decoded-output" in features else None
            try:
                swift_mse, command = run_binary(binary, case, inputs_path, decoded_path)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                print(f"FAIL {case.label()}: {error}")
                failures += 1
                continue
            tol = a.gcv_tolerance if case.uses_gcv() else a.tolerance
            diff = relative_difference(swift_mse, ref_mse)
            value_diff = 0.0
            if decoded_path and ref_decoded is not None and os.path.exists(decoded_path):
                got = rc.read_matrix_csv(decoded_path)
                scale = max(float(np.max(np.abs(ref_decoded))), 1e-300)
                value_diff = float(np.max(np.abs(got - ref_decoded))) / scale if got.shape == ref_decoded.shape else np.inf
            compared += 1
            if not case.uses_gcv():
                worst = max(worst, diff, value_diff)
            ok = diff <= tol and value_diff <= tol
            if not ok:
                failures += 1
            if not ok or a.verbose:
                status = "ok  " if ok else "FAIL"
                print(f"{status} {case.label()}: swift={swift_mse:.12e} reference={ref_mse:.12e} "
                      f"rel={diff:.2e} values_rel={value_diff:.2e}" + ("" if ok else f"\n     {command}"))
    seconds = time.perf_counter() - start
    if binary:
        print(f"cross-check: {compared} cases compared, {failures} failed, {unsupported} unsupported, "
              f"largest relative difference (non-GCV) {worst:.2e}, tolerance {a.tolerance:g}, {seconds:.1f} s")
    else:
        print(f"cross-check: reference only ({len(default_grid(a.seed))} cases), {seconds:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
