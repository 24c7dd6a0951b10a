"""The grid of the MSE-decay study: which sweeps each experiment runs.

:data:`DEFAULT` is the published study (notebooks-data/README.md), :data:`QUICK` a tiny grid for
CI and the schema tests; :func:`experiments` expands a grid into every :class:`Sweep`, by
experiment, for all seeds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from study_engines import Sweep

FUNCTIONS = [("xsinx", 1), ("sigmoid", 1), ("sin", 4)]
"""(function, d): two scalar functions and one multi-output one (m = d = 4)."""


@dataclass
class Grid:
    seeds: int
    n_values: list[int]
    n_values_lcc: list[int]
    n_values_reference: list[int]
    s_values: list[int]
    s_sweep_n: int
    trials: int
    functions: list[tuple[str, int]]
    probabilities: list[float]
    adversary_exponents: list[float]
    byzantine_n: list[int]
    byzantine_lambdas: list[float]
    lambda_grid: list[float]
    lambda_n: int


DEFAULT = Grid(
    seeds=5, n_values=[20, 40, 80, 160, 320, 640], n_values_lcc=[20, 40, 80, 160],
    n_values_reference=[20, 40, 80, 160, 320], s_values=[2, 4, 8, 16, 32, 64], s_sweep_n=200, trials=20,
    functions=FUNCTIONS, probabilities=[0.1, 0.3], adversary_exponents=[0.0, 0.25, 0.5],
    byzantine_n=[20, 40, 80, 160, 320, 640], byzantine_lambdas=[float(v) for v in np.logspace(-8, 3, 15)],
    lambda_grid=[float(v) for v in np.logspace(-10, 2, 25)], lambda_n=200)

QUICK = Grid(
    seeds=2, n_values=[20, 40, 80], n_values_lcc=[20, 40], n_values_reference=[20, 40, 80], s_values=[2, 4, 8],
    s_sweep_n=40, trials=2, functions=[("xsinx", 1), ("sin", 2)], probabilities=[0.2], adversary_exponents=[0.0, 0.5],
    byzantine_n=[20, 40, 80], byzantine_lambdas=[1e-4, 1e-1], lambda_grid=[1e-8, 1e-4, 1.0], lambda_n=40)


def experiments(grid: Grid, reference_only: bool) -> dict[str, list[Sweep]]:
    """Every sweep of the study, by experiment (all seeds)."""
    nv = grid.n_values_reference if reference_only else grid.n_values
    out: dict[str, list[Sweep]] = {k: [] for k in
                                   ("n-sweep-noiseless", "n-sweep-noisy", "s-sweep", "probabilistic",
                                    "byzantine", "lambda", "encoder")}
    for seed in range(grid.seeds):
        for fn, d in grid.functions:
            for model, trials in (("worst-window", 1), ("random", grid.trials)):
                base = Sweep("n-sweep-noiseless", "letcc", fn, d, nv, [5], model, trials=trials, seed=seed)
                out["n-sweep-noiseless"] += [base, replace(base, scheme="bacc"),
                                             replace(base, scheme="lcc", workers=grid.n_values_lcc)]
                noisy = replace(base, experiment="n-sweep-noisy", noise=1e-2, decoder_lambda="optimal")
                out["n-sweep-noisy"] += [noisy, replace(noisy, scheme="bacc", decoder_lambda=0.0)]
                if model == "random":  # GCV per window is the costliest point of the study
                    out["n-sweep-noisy"].append(replace(noisy, decoder_lambda="gcv"))
            s_base = Sweep("s-sweep", "letcc", fn, d, [grid.s_sweep_n], grid.s_values, "worst-window", seed=seed)
            out["s-sweep"] += [s_base, replace(s_base, scheme="bacc")]
        for p in grid.probabilities:
            for scheme in ("letcc", "bacc"):
                out["probabilistic"].append(Sweep("probabilistic", scheme, "xsinx", 1, nv, [0],
                                                  "probabilistic", trials=grid.trials, seed=seed, probability=p))
        for a in grid.adversary_exponents:
            for lam in grid.byzantine_lambdas:
                for n in grid.byzantine_n:
                    out["byzantine"].append(Sweep("byzantine", "letcc", "xsinx", 1, [n], [0], "none",
                                                  decoder_lambda=lam, trials=grid.trials, seed=seed,
                                                  adversary_exponent=a))
        for lam_e in (0.0, "optimal", "gcv"):
            out["encoder"].append(Sweep("encoder", "letcc", "xsinx", 1, nv, [5], "worst-window",
                                        encoder_lambda=lam_e, seed=seed))
        for lam_e in (0.0, "optimal"):
            out["encoder"].append(Sweep("encoder", "letcc", "xsinx", 1, nv, [5], "random", encoder_lambda=lam_e,
                                        decoder_lambda="optimal", noise=1e-2, trials=grid.trials, seed=seed))
        for lam in grid.lambda_grid + ["gcv", "optimal"]:
            out["lambda"].append(Sweep("lambda", "letcc", "xsinx", 1, [grid.lambda_n], [10], "random",
                                       decoder_lambda=lam, noise=1e-2, trials=grid.trials, seed=seed))
    return out
