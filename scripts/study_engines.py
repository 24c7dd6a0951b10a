"""The two engines of the MSE-decay study and what runs on them.

A :class:`Sweep` is one curve for one seed (one scheme, function and straggler model over a list
of N or of S). ``swift`` runs it as one ``coded sweep`` process; ``reference`` runs it in this
process on scripts/reference_coded.py. Both commands come from coded_tools.experiment_args, so
the README lists runnable commands for either engine. :class:`Runner` picks the engine and
records the seed-0 commands; :func:`speed_comparison` times the same sweeps on both engines.
Every row follows :data:`COLUMNS`.
"""

from __future__ import annotations

import csv
import math
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import reference_coded as rc  # first: it pins BLAS to one thread before numpy loads
from coded_tools import experiment_args

COLUMNS = ["experiment", "engine", "scheme", "function", "dim", "nodes", "K", "N", "S", "straggler_model",
           "p", "adversaries", "adversary_exponent", "noise", "encoder_lambda", "decoder_lambda",
           "decoder_lambda_used", "seed", "trials", "mse", "seconds"]
"""The tidy schema shared by every experiment CSV (one row per point and seed)."""

REFERENCE_PROGRAM = ["python3", "scripts/reference_coded.py"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def command_text(args: list[str]) -> str:
    """A command as the README lists it (no shell quotes)."""
    return shlex.join(args).replace("'", "")


@dataclass
class Sweep:
    """One curve for one seed: a scheme over ``workers`` × ``stragglers`` (one of them a single
    value), with q = ⌈N^adversary_exponent⌉ Byzantine workers when the exponent is set."""

    experiment: str
    scheme: str
    function: str
    dim: int
    workers: list[int]
    stragglers: list[int]
    model: str = "worst-window"
    nodes: str = "chebyshev"
    K: int = 10
    input_range: tuple[float, float] = (-1.0, 1.0)
    encoder_lambda: float | str = 0.0
    decoder_lambda: float | str = 0.0
    noise: float = 0.0
    trials: int = 1
    seed: int = 0
    probability: float = 0.0
    adversary_exponent: float | None = None
    adversary_magnitude: float = 10.0

    def points(self) -> list[tuple[int, int]]:
        if len(self.workers) > 1 and len(self.stragglers) > 1:
            raise ValueError("sweep one of N or S at a time")
        return [(n, s) for n in self.workers for s in self.stragglers]

    def adversaries(self, N: int) -> int:
        return 0 if self.adversary_exponent is None else int(math.ceil(N ** self.adversary_exponent))

    def needs_reference(self) -> bool:
        return False  # coded sweep has every model the study uses (probabilistic, adversaries)

    def options(self) -> dict:
        """The sweep as coded_tools.experiment_args options (the same for both programs)."""
        adversaries = {}
        if self.adversary_exponent is not None:
            if len(self.workers) != 1:
                raise ValueError("Byzantine sweeps take one N each (q depends on N)")
            adversaries = {"adversaries": self.adversaries(self.workers[0]),
                           "adversary_magnitude": self.adversary_magnitude}
        return dict(scheme=self.scheme, function=self.function, K=self.K, dim=self.dim,
                    input_range=self.input_range, workers=self.workers, stragglers=self.stragglers,
                    straggler_model=self.model, nodes=self.nodes, encoder_lambda=self.encoder_lambda,
                    decoder_lambda=self.decoder_lambda, noise=self.noise, trials=self.trials, seed=self.seed,
                    straggle_probability=self.probability if self.model == "probabilistic" else None,
                    **adversaries)

    def swift_command(self, binary: str, output: str) -> list[str]:
        return experiment_args([binary, "sweep"], **self.options(), output=output)

    def reference_command(self) -> str:
        return command_text(experiment_args(REFERENCE_PROGRAM, **self.options()))


def _row(sw: Sweep, engine: str, N: int, S: int | str, mse: float, seconds: float, used: str = "") -> dict:
    return {"experiment": sw.experiment, "engine": engine, "scheme": sw.scheme, "function": sw.function,
            "dim": sw.dim, "nodes": sw.nodes, "K": sw.K, "N": N, "S": S, "straggler_model": sw.model,
            "p": sw.probability if sw.model == "probabilistic" else "",
            "adversaries": sw.adversaries(N) if sw.adversary_exponent is not None else 0,
            "adversary_exponent": "" if sw.adversary_exponent is None else sw.adversary_exponent,
            "noise": sw.noise, "encoder_lambda": sw.encoder_lambda, "decoder_lambda": sw.decoder_lambda,
            "decoder_lambda_used": used, "seed": sw.seed, "trials": sw.trials, "mse": repr(float(mse)), "seconds": f"{seconds:.4f}"}


def run_reference(sw: Sweep) -> list[dict]:
    rows = []
    lo, hi = sw.input_range
    x = rc.generated_inputs(sw.K, sw.dim, lo, hi, sw.seed)
    for N, S in sw.points():
        start = time.perf_counter()
        scheme = rc.Scheme(sw.scheme, sw.K, N, sw.nodes, sw.encoder_lambda, sw.decoder_lambda, sw.function,
                           sw.noise, S)
        model = sw.model
        r = rc.run(scheme, x, S, model, sw.noise, sw.trials, sw.seed, probability=sw.probability,
                   adversaries=sw.adversaries(N), adversary_magnitude=sw.adversary_magnitude,
                   adversary_strategy="uniform")
        rows.append(_row(sw, "reference", N, "" if model == "probabilistic" else S, r.mse,
                         time.perf_counter() - start))
    return rows


def run_swift(sw: Sweep, binary: str) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="study-") as tmp:
        out = os.path.join(tmp, "sweep.csv")
        cmd = sw.swift_command(binary, out)
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"coded sweep failed ({proc.returncode}): {proc.stderr.strip()}\n  {shlex.join(cmd)}")
        with open(out, newline="") as handle:
            got = list(csv.DictReader(handle))
    if len(got) != len(sw.points()):
        raise RuntimeError(f"coded sweep returned {len(got)} rows for {len(sw.points())} points: {shlex.join(cmd)}")
    return [_row(sw, "swift", int(r["N"]), "" if sw.model == "probabilistic" else int(r["S"]), float(r["mse"]),
                 seconds / len(got), r.get("decoder_lambda_used", "")) for r in got]


class Runner:
    """Runs sweeps on the chosen engine (``auto``: swift when there is a binary) and keeps, per
    experiment, the engines used and the seed-0 commands for the README."""

    def __init__(self, engine: str, binary: str | None):
        self.engine = engine
        self.binary = binary
        self.commands: dict[str, list[str]] = {}
        self.engines: dict[str, set[str]] = {}

    def engine_for(self, sw: Sweep) -> str:
        if self.engine == "reference" or sw.needs_reference():
            return "reference"
        if self.engine == "swift" and self.binary is None:
            raise RuntimeError("--engine swift but no coded binary")
        return "swift" if self.binary else "reference"

    def run(self, sw: Sweep) -> list[dict]:
        engine = self.engine_for(sw)
        if engine == "swift":
            rows = run_swift(sw, self.binary)
            cmd = command_text(sw.swift_command("coded", "<tmp>.csv"))
        else:
            rows = run_reference(sw)
            cmd = sw.reference_command()
        self.engines.setdefault(sw.experiment, set()).add(engine)
        self.commands.setdefault(sw.experiment, [])
        if sw.seed == 0:
            self.commands[sw.experiment].append(cmd)
        return rows


def speed_comparison(grid, binary: str | None, out_dir: str, quick: bool = False) -> list[dict]:
    """Time the same sweeps on both engines: `coded sweep` as a subprocess (wall clock including
    process start, reported separately as `swift_startup_seconds` = the fastest of three one-point
    sweeps at N = 20)
    against reference_coded.run in this process (BLAS pinned to one thread). ``grid`` is a
    study_grid.Grid (its reference N values and trial count)."""
    if binary is None:
        return []
    tiny = Sweep("speed", "bacc", "xsinx", 1, [20], [0], "none", seed=0)
    startups = []
    for _ in range(3):
        start = time.perf_counter()
        run_swift(tiny, binary)
        startups.append(time.perf_counter() - start)
    startup = min(startups)
    grids = [("study", 1, grid.n_values_reference, 5 * grid.trials)]
    if not quick:
        grids.append(("large", 8, [320, 640, 1280], 200))
    rows = []
    for label, dim, ns, random_trials in grids:
        for scheme in ("letcc", "bacc"):
            for model, trials in (("worst-window", 1), ("random", random_trials)):
                sw = Sweep("speed", scheme, "xsinx", dim, ns, [5], model, trials=trials, seed=0)
                start = time.perf_counter()
                run_swift(sw, binary)
                swift = time.perf_counter() - start
                start = time.perf_counter()
                run_reference(sw)
                ref = time.perf_counter() - start
                rows.append({"grid": label, "scheme": scheme, "function": "xsinx", "d": dim, "K": sw.K,
                             "straggler_model": model, "trials": trials, "N": " ".join(map(str, ns)), "S": 5,
                             "swift_seconds": f"{swift:.4f}", "swift_startup_seconds": f"{startup:.4f}",
                             "reference_seconds": f"{ref:.4f}", "speedup": f"{ref / swift:.1f}",
                             "speedup_without_startup": (f"{ref / (swift - startup):.1f}" if swift > 1.5 * startup
                                                         else "n/a (start-up dominated)")})
                log(f"speed {label} {scheme} {model}: swift {swift:.2f}s (startup {startup:.2f}s) "
                    f"reference {ref:.2f}s ({ref / swift:.1f}x)")
    return rows


def write_csv(path: str, rows: list[dict], columns: list[str]) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".csv")
    with os.fdopen(fd, "w", newline="") as handle:
        w = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)
