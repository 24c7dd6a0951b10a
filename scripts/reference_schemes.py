"""The coded schemes of the NumPy/SciPy reference and one experiment (``coded run``'s loop).

- The built-in coordinate-wise functions f (DESIGN.md).
- :class:`Scheme`: LeTCC, BACC, LCC, uncoded and replication built for K inputs, N workers and a
  node layout; ``encode`` (K × d → N × d) and ``decode`` (survivors' results → K × m).
- Straggler models (none, random, worst-window, list, probabilistic), Byzantine adversaries,
  worker noise, and :func:`run`: the MSE averaged over trials (worst-window: max over windows).

Import it through reference_coded.py, which pins BLAS to one thread before numpy loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reference_interpolants import (NaturalSmoothingSpline, berrut, gcv_lambda, lagrange, layout_nodes,
                                    optimal_encoder_lambda, optimal_lambda)

# --------------------------------------------------------------------------------------------
# Functions

FUNCTIONS = {
    "xsinx": lambda x: x * np.sin(x),
    "sin": np.sin,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "square": lambda x: x * x,
    "cube": lambda x: x * x * x,
    "identity": lambda x: np.array(x, dtype=float, copy=True),
}
"""The built-in coordinate-wise functions of DESIGN.md (m = d)."""

POLYNOMIAL_DEGREE = {"square": 2, "cube": 3, "identity": 1}


def apply_function(name: str, x: np.ndarray) -> np.ndarray:
    """f applied coordinate-wise to every row of ``x``."""
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function '{name}' (known: {', '.join(FUNCTIONS)})")
    return FUNCTIONS[name](np.asarray(x, dtype=float))



# --------------------------------------------------------------------------------------------
# Schemes


SCHEMES = ("letcc", "bacc", "lcc", "uncoded", "replication")


@dataclass
class Scheme:
    """One coded scheme built for K inputs, N workers and a node layout."""

    name: str
    K: int
    N: int
    layout: str = "equispaced"
    encoder_lambda: float | str = 0.0
    decoder_lambda: float | str = 0.0
    function: str = "xsinx"
    noise_level: float = 0.0
    planned_stragglers: int = 0
    alpha: np.ndarray = field(init=False)
    beta: np.ndarray = field(init=False)

    def __post_init__(self):
        if self.name not in SCHEMES:
            raise ValueError(f"unknown scheme '{self.name}' (known: {', '.join(SCHEMES)})")
        if self.name in ("uncoded", "replication"):
            if self.name == "uncoded" and self.N != self.K:
                raise ValueError(f"uncoded needs N = K, got N={self.N}, K={self.K}")
            if self.N < self.K:
                raise ValueError(f"replication needs N >= K, got N={self.N}, K={self.K}")
            self.alpha = np.arange(self.K, dtype=float)
            self.beta = self.alpha
        else:
            self.alpha, self.beta = layout_nodes(self.layout, self.K, self.N)

    @property
    def minimum_survivors(self) -> int:
        if self.name == "letcc":
            return 5  # scipy's make_smoothing_spline minimum
        if self.name == "lcc":
            degree = POLYNOMIAL_DEGREE.get(self.function)
            return (self.K - 1) * degree + 1 if degree is not None else self.K
        return 1

    def encode(self, inputs: np.ndarray) -> np.ndarray:
        x = np.asarray(inputs, dtype=float).reshape(self.K, -1)
        if self.name in ("uncoded", "replication"):
            return x[np.arange(self.N) % self.K].copy()
        if self.name == "letcc":
            return NaturalSmoothingSpline(self.alpha, x, self.encoder_lambda_for(x))(self.beta)
        if self.name == "bacc":
            return berrut(self.alpha, x, self.beta)
        return lagrange(self.alpha, x, self.beta)

    def encoder_lambda_for(self, x: np.ndarray) -> float:
        """λ_enc for the inputs x: a number, GCV on (α, x), or the `optimal` schedule."""
        lam = self.encoder_lambda
        if lam == "gcv":
            return gcv_lambda(self.alpha, x)
        if lam == "optimal":
            return optimal_encoder_lambda(self.K, self.beta, self.planned_stragglers)
        if isinstance(lam, str):
            raise ValueError(f"encoder lambda '{lam}' is not supported by the reference")
        return float(lam)

    def decode(self, results: np.ndarray, survivors: np.ndarray) -> np.ndarray:
        """Y_T (|T| × m, ascending workers) ↦ F̂ (K × m)."""
        t = np.asarray(survivors, dtype=int)
        y = np.asarray(results, dtype=float).reshape(t.size, -1)
        if t.size < self.minimum_survivors:
            raise ValueError(f"{self.name} needs at least {self.minimum_survivors} surviving workers, got {t.size}")
        if np.any(np.diff(t) <= 0) or t[0] < 0 or t[-1] >= self.N:
            raise ValueError("survivors must be ascending, distinct and in 0..<N")
        if self.name in ("uncoded", "replication"):
            # Average the surviving copies of each input (worker n holds x_{n mod K}); an input
            # with no surviving copy is scored as the mean of all received results.
            out = np.tile(y.mean(axis=0), (self.K, 1))
            owner = t % self.K
            for k in np.unique(owner):
                out[k] = y[owner == k].mean(axis=0)
            return out
        nodes = self.beta[t]
        if self.name == "letcc":
            lam = self.decoder_lambda
            if lam == "gcv":
                lam = gcv_lambda(nodes, y)
            elif lam == "optimal":
                lam = optimal_lambda(nodes, y, self.noise_level, self.planned_stragglers)
            elif isinstance(lam, str):
                raise ValueError(f"decoder lambda '{lam}' is not supported by the reference")
            return NaturalSmoothingSpline(nodes, y, float(lam))(self.alpha)
        if self.name == "bacc":
            return berrut(nodes, y, self.alpha)
        return lagrange(nodes, y, self.alpha)


# --------------------------------------------------------------------------------------------
# Straggler models and one experiment


def worst_windows(N: int, S: int) -> list[np.ndarray]:
    """The N−S+1 straggler sets of S consecutive workers in β order (one empty set if S = 0)."""
    if S == 0:
        return [np.array([], dtype=int)]
    return [np.arange(w, w + S) for w in range(N - S + 1)]


def survivors_of(N: int, stragglers: np.ndarray) -> np.ndarray:
    mask = np.ones(N, dtype=bool)
    mask[np.asarray(stragglers, dtype=int)] = False
    return np.nonzero(mask)[0]


def mse(estimate: np.ndarray, truth: np.ndarray) -> float:
    """(1/(K·m)) Σ_k ‖f̂(x_k) − f(x_k)‖²."""
    return float(np.mean((np.asarray(estimate) - np.asarray(truth)) ** 2))


def coded_round(
    scheme: Scheme,
    inputs: np.ndarray,
    stragglers: np.ndarray,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
    adversaries: np.ndarray | None = None,
    adversary_magnitude: float = 0.0,
    coded: np.ndarray | None = None,
    worker_outputs: np.ndarray | None = None,
    adversary_mode: str = "sign",
) -> tuple[float, np.ndarray]:
    """One encode → compute → decode round; returns (MSE, decoded K × m).

    ``adversaries`` (worker indices) return, per coordinate, ±``adversary_magnitude`` with random
    signs (``adversary_mode`` "sign"), +``adversary_magnitude`` ("constant") or a uniform value in
    [−adversary_magnitude, adversary_magnitude] ("uniform", the Swift CLI's model) instead of f; ``noise`` adds N(0, σ²) to every honest or adversarial output coordinate.
    """
    x = np.asarray(inputs, dtype=float).reshape(scheme.K, -1)
    truth = apply_function(scheme.function, x)
    if worker_outputs is None:
        if coded is None:
            coded = scheme.encode(x)
        worker_outputs = apply_function(scheme.function, coded)
    y = np.array(worker_outputs, dtype=float, copy=True)
    if adversaries is not None and len(adversaries):
        assert rng is not None
        shape = (len(adversaries), y.shape[1])
        if adversary_mode == "sign":
            signs = rng.choice([-1.0, 1.0], size=shape)
        elif adversary_mode == "constant":
            signs = np.ones(shape)
        else:
            signs = rng.uniform(-1.0, 1.0, size=shape)
        y[np.asarray(adversaries, dtype=int)] = adversary_magnitude * signs
    if noise > 0:
        assert rng is not None
        y = y + rng.normal(0.0, noise, size=y.shape)
    t = survivors_of(scheme.N, stragglers)
    decoded = scheme.decode(y[t], t)
    return mse(decoded, truth), decoded


@dataclass
class RunResult:
    mse: float
    mse_std: float
    mse_max: float
    trials: int
    decoded: np.ndarray | None = None


def run(
    scheme: Scheme,
    inputs: np.ndarray,
    stragglers: int,
    model: str = "none",
    noise: float = 0.0,
    trials: int = 1,
    seed: int = 0,
    straggler_list: list[int] | None = None,
    probability: float = 0.0,
    adversaries: int = 0,
    adversary_magnitude: float = 10.0,
    adversary_strategy: str = "block",
) -> RunResult:
    """The ``coded run`` experiment: MSE averaged over trials (worst-window: max over windows).

    ``model`` is none | random | worst-window | list | probabilistic. ``adversaries`` = q > 0
    makes q of the responding workers Byzantine in every trial: ``adversary_strategy``
    "uniform" picks q responders uniformly and returns values uniform in ±adversary_magnitude (the
    Swift CLI's model); "block" (default) picks q consecutive responders (in β order) at a uniformly random start, all
    returning +adversary_magnitude in every coordinate — a coherent bump, the harmful direction for a
    linear smoothing decoder; "random-sign" picks q responders uniformly and returns
    ±adversary_magnitude with random signs. (The papers' supremum over all bounded strategies is
    not computed; these are two concrete strategies.)
    """
    N, S = scheme.N, stragglers
    if not 0 <= S < N:
        raise ValueError(f"stragglers must be in 0..<N, got S={S}, N={N}")
    rng = np.random.default_rng(seed)
    x = np.asarray(inputs, dtype=float).reshape(scheme.K, -1)
    coded = scheme.encode(x)
    outputs = apply_function(scheme.function, coded)

    def one(strag: np.ndarray) -> tuple[float, np.ndarray]:
        adv = None
        if adversaries:
            honest = survivors_of(N, strag)
            if adversaries > honest.size:
                raise ValueError(f"{adversaries} adversaries but only {honest.size} responders")
            if adversary_strategy == "uniform":
                adv = np.sort(rng.choice(honest, size=adversaries, replace=False))
            elif adversary_strategy == "block":
                start = int(rng.integers(0, honest.size - adversaries + 1))
                adv = honest[start:start + adversaries]
            elif adversary_strategy == "random-sign":
                adv = rng.choice(honest, size=adversaries, replace=False)
            else:
                raise ValueError(f"unknown adversary strategy '{adversary_strategy}'")
        return coded_round(scheme, x, strag, noise, rng, adv, adversary_magnitude, worker_outputs=outputs,
                           adversary_mode={"block": "constant", "random-sign": "sign"}.get(
                               adversary_strategy, "uniform"))

    if model == "worst-window":
        if noise > 0 or adversaries:
            values = []
            for _ in range(trials):
                values.append(max(one(w)[0] for w in worst_windows(N, S)))
            v = np.array(values)
            return RunResult(float(v.mean()), float(v.std(ddof=1)) if trials > 1 else 0.0, float(v.max()), trials)
        scores = [one(w) for w in worst_windows(N, S)]
        worst = max(range(len(scores)), key=lambda i: scores[i][0])
        return RunResult(scores[worst][0], 0.0, scores[worst][0], 1, scores[worst][1])
    values, decoded = [], None
    for _ in range(trials):
        if model == "none":
            strag = np.array([], dtype=int)
        elif model == "random":
            strag = np.sort(rng.choice(N, size=S, replace=False))
        elif model == "list":
            if straggler_list is None or len(straggler_list) != S:
                raise ValueError("model 'list' needs a straggler list of length S")
            strag = np.array(sorted(straggler_list), dtype=int)
        elif model == "probabilistic":
            # Conditioned on enough survivors for the decoder (redraw otherwise).
            for _attempt in range(1000):
                strag = np.nonzero(rng.random(N) < probability)[0]
                if N - strag.size >= scheme.minimum_survivors:
                    break
            else:
                raise ValueError(f"probability {probability} leaves too few survivors for N={N}")
        else:
            raise ValueError(f"unknown straggler model '{model}'")
        value, decoded = one(strag)
        values.append(value)
    v = np.array(values)
    return RunResult(float(v.mean()), float(v.std(ddof=1)) if trials > 1 else 0.0, float(v.max()), trials, decoded)
