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

Run ``python3 scripts/reference_coded.py --help``; the options mirror ``coded run``.
Dependencies: numpy, scipy (scripts/requirements.txt).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
from dataclasses import dataclass, field

# Small dense problems: BLAS threads only contend on a shared 2-core machine (measured: eigh of a
# 75 × 75 matrix took 39 ms with OpenBLAS threads under load, well under 1 ms single-threaded).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
from scipy.interpolate import BarycentricInterpolator, make_smoothing_spline  # noqa: E402
from scipy.optimize import minimize_scalar  # noqa: E402

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
# Nodes


def node_family(family: str, count: int) -> np.ndarray:
    """``count`` ascending nodes of ``family`` on [−1, 1] (DESIGN.md formulas)."""
    k = np.arange(count, dtype=float)
    if family == "equispaced":
        if count < 2:
            raise ValueError("equispaced nodes need count >= 2")
        t = -1.0 + 2.0 * k / (count - 1)
        t[-1] = 1.0
    elif family == "chebyshev1":
        if count < 1:
            raise ValueError("chebyshev1 nodes need count >= 1")
        t = -np.cos((2.0 * k + 1.0) * np.pi / (2.0 * count))
    elif family == "chebyshev2":
        if count < 2:
            raise ValueError("chebyshev2 nodes need count >= 2")
        t = -np.cos(k * np.pi / (count - 1))
        t[0], t[-1] = -1.0, 1.0
    elif family == "midpoints":
        if count < 1:
            raise ValueError("midpoints nodes need count >= 1")
        t = -1.0 + (2.0 * k + 1.0) / count
    else:
        raise ValueError(f"unknown node family '{family}'")
    return t


LAYOUTS = {
    "equispaced": ("equispaced", "equispaced"),
    "chebyshev": ("chebyshev1", "chebyshev2"),
    "midpoints": ("midpoints", "equispaced"),
}


def layout_nodes(layout: str, K: int, N: int) -> tuple[np.ndarray, np.ndarray]:
    """(α, β) for a ``--nodes`` layout."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown node layout '{layout}' (known: {', '.join(LAYOUTS)})")
    a, b = LAYOUTS[layout]
    return node_family(a, K), node_family(b, N)


# --------------------------------------------------------------------------------------------
# Interpolants and smoothers (all map n × c data to p × c values)


class NaturalSmoothingSpline:
    """scipy's smoothing spline, continued linearly beyond the end knots.

    The minimiser of Σ(yᵢ − g(tᵢ))² + λ∫g″² is a natural cubic spline: g″ = 0 at the end knots
    and g is linear outside [t₀, tₙ₋₁]. scipy's BSpline would extrapolate the end cubic piece,
    so outside the knots this evaluates g(t_end) + g′(t_end)·(z − t_end) instead.
    """

    def __init__(self, knots: np.ndarray, values: np.ndarray, lam: float):
        knots = np.asarray(knots, dtype=float)
        values = np.asarray(values, dtype=float)
        if knots.ndim != 1 or values.shape[0] != knots.size:
            raise ValueError("knots and values disagree in length")
        if knots.size < 5:
            raise ValueError(f"scipy's make_smoothing_spline needs at least 5 points, got {knots.size}")
        if np.any(np.diff(knots) <= 0):
            raise ValueError("knots must be strictly increasing")
        if not lam >= 0:
            raise ValueError(f"lambda must be >= 0, got {lam}")
        self.knots = knots
        self.lam = float(lam)
        self._spline = make_smoothing_spline(knots, values, lam=self.lam, axis=0)
        self._derivative = self._spline.derivative()
        lo, hi = knots[0], knots[-1]
        self._left = (self._spline(lo), self._derivative(lo))
        self._right = (self._spline(hi), self._derivative(hi))

    def __call__(self, points: np.ndarray) -> np.ndarray:
        z = np.asarray(points, dtype=float)
        lo, hi = self.knots[0], self.knots[-1]
        out = self._spline(np.clip(z, lo, hi))
        left = z < lo
        right = z > hi
        if np.any(left):
            v, d = self._left
            out[left] = v + np.multiply.outer(z[left] - lo, d)
        if np.any(right):
            v, d = self._right
            out[right] = v + np.multiply.outer(z[right] - hi, d)
        return out


def penalty_matrix(knots: np.ndarray) -> np.ndarray:
    """K = Q R⁻¹ Qᵀ with ∫g″² = gᵀ K g for the natural cubic spline through (tᵢ, gᵢ).

    Green & Silverman (1994, §2.1): Q is n × (n−2) with Q[i−1,i] = 1/h_{i−1},
    Q[i,i] = −1/h_{i−1} − 1/hᵢ, Q[i+1,i] = 1/hᵢ; R is (n−2) × (n−2) tridiagonal with
    R[i,i] = (h_{i−1} + hᵢ)/3, R[i,i+1] = hᵢ/6. Dense, O(n³): for GCV in the reference only.
    """
    t = np.asarray(knots, dtype=float)
    n = t.size
    h = np.diff(t)
    Q = np.zeros((n, n - 2))
    R = np.zeros((n - 2, n - 2))
    for j in range(1, n - 1):
        c = j - 1
        Q[j - 1, c] = 1.0 / h[j - 1]
        Q[j, c] = -1.0 / h[j - 1] - 1.0 / h[j]
        Q[j + 1, c] = 1.0 / h[j]
        R[c, c] = (h[j - 1] + h[j]) / 3.0
        if c + 1 < n - 2:
            R[c, c + 1] = R[c + 1, c] = h[j] / 6.0
    return Q @ np.linalg.solve(R, Q.T)


def gcv_score(knots: np.ndarray, values: np.ndarray, lam: float, penalty: np.ndarray | None = None) -> float:
    """GCV(λ) = (1/n)Σ‖yᵢ − ĝ(tᵢ)‖² / (1 − tr S_λ/n)², summed over columns (one shared λ).

    S_λ = (I + λK)⁻¹ is the smoother ("hat") matrix (Reinsch form, :func:`penalty_matrix`).
    """
    knots = np.asarray(knots, dtype=float)
    values = np.asarray(values, dtype=float).reshape(knots.size, -1)
    n = knots.size
    K = penalty_matrix(knots) if penalty is None else penalty
    smoother = np.linalg.inv(np.eye(n) + lam * K)
    rss = float(np.sum((values - smoother @ values) ** 2)) / n
    return rss / (1.0 - float(np.trace(smoother)) / n) ** 2


def gcv_lambda(knots: np.ndarray, values: np.ndarray) -> float:
    """The λ minimising :func:`gcv_score`, by a grid over log10 λ then bounded Brent.

    With K = U diag(μ) Uᵀ (one symmetric eigendecomposition), S_λ = U diag(1/(1 + λμ)) Uᵀ, so
    every GCV evaluation is O(n·c). Independent of the Swift search (different grid and
    optimiser), so λ agrees with Swift only to the optimiser's tolerance, not to 1e-8.
    """
    knots = np.asarray(knots, dtype=float)
    values = np.asarray(values, dtype=float).reshape(knots.size, -1)
    n = knots.size
    mu, U = np.linalg.eigh(penalty_matrix(knots))
    mu = np.clip(mu, 0.0, None)
    z2 = np.sum((U.T @ values) ** 2, axis=1)

    def score(u: float) -> float:
        shrink = 1.0 / (1.0 + 10.0**u * mu)
        rss = float(np.sum(((1.0 - shrink) ** 2) * z2)) / n
        return rss / (1.0 - float(np.sum(shrink)) / n) ** 2

    h = np.diff(knots)
    # Natural scale: the data term and the penalty balance near λ₀ ≈ mean(h)³ (tr R / tr M).
    scale = math.log10(float(np.mean(h)) ** 3)
    grid = np.linspace(scale - 3, scale + 4 * math.log10(n), 41)
    scores = [score(u) for u in grid]
    best = int(np.argmin(scores))
    lo = grid[max(best - 1, 0)]
    hi = grid[min(best + 1, grid.size - 1)]
    res = minimize_scalar(score, bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
    return float(10.0 ** res.x)


def optimal_encoder_lambda(K: int, beta: np.ndarray, stragglers: int) -> float:
    """The plug-in "optimal" λ_enc of Guides/LeTCC.md, re-derived here: K·h³/24.

    h is the widest gap a window of S consecutive stragglers opens among the worker points,
    max over n of β[n + S + 1] − β[n] (the span clamped to N − 1).
    """
    beta = np.asarray(beta, dtype=float)
    span = min(max(int(stragglers), 0) + 1, beta.size - 1)
    h = float(np.max(beta[span:] - beta[:-span]))
    return K * h ** 3 / 24.0


def optimal_lambda(knots: np.ndarray, values: np.ndarray, noise: float, stragglers: int) -> float:
    """The plug-in "optimal" λ_dec of the Swift SplineCode (Guides/LeTCC.md), re-derived here.

    0 without noise; otherwise λ = n·(σ²(S + 1)/(4·n·J))^{4/5} with n = |T| and J = ∫g″² of a
    pilot GCV fit, averaged over the columns (g″ is linear between knots, so
    ∫ over [tᵢ, tᵢ₊₁] = h(a² + ab + b²)/3).
    """
    if noise <= 0:
        return 0.0
    knots = np.asarray(knots, dtype=float)
    values = np.asarray(values, dtype=float).reshape(knots.size, -1)
    n = knots.size
    pilot = make_smoothing_spline(knots, values, lam=gcv_lambda(knots, values), axis=0)
    g2 = pilot.derivative(2)(knots)
    a, b, h = g2[:-1], g2[1:], np.diff(knots)[:, None]
    roughness = float(np.sum(h * (a * a + a * b + b * b) / 3.0)) / values.shape[1]
    if roughness <= 0:
        return 0.0
    return n * (noise * noise * (stragglers + 1) / (4.0 * n * roughness)) ** 0.8


def berrut(nodes: np.ndarray, values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Berrut's first-form rational interpolant; nodes indexed 0..n−1 in ascending order."""
    t = np.asarray(nodes, dtype=float)
    y = np.asarray(values, dtype=float).reshape(t.size, -1)
    z = np.asarray(points, dtype=float)
    sign = np.where(np.arange(t.size) % 2 == 0, 1.0, -1.0)
    out = np.empty((z.size, y.shape[1]))
    for q, zq in enumerate(z):
        hit = np.nonzero(t == zq)[0]
        if hit.size:
            out[q] = y[hit[0]]
            continue
        w = sign / (zq - t)
        out[q] = (w @ y) / w.sum()
    return out


def lagrange(nodes: np.ndarray, values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The interpolating polynomial through all nodes (scipy's barycentric implementation).

    scipy computes the weights over a random permutation of the nodes (for stability); a fixed
    ``rng=0`` makes repeated calls bit-identical.
    """
    t = np.asarray(nodes, dtype=float)
    y = np.asarray(values, dtype=float).reshape(t.size, -1)
    return np.asarray(BarycentricInterpolator(t, y, rng=0)(np.asarray(points, dtype=float))).reshape(-1, y.shape[1])


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
    adversary_value: float = 0.0,
    coded: np.ndarray | None = None,
    worker_outputs: np.ndarray | None = None,
    adversary_mode: str = "sign",
) -> tuple[float, np.ndarray]:
    """One encode → compute → decode round; returns (MSE, decoded K × m).

    ``adversaries`` (worker indices) return, per coordinate, ±``adversary_value`` with random
    signs (``adversary_mode`` "sign"), +``adversary_value`` ("constant") or a uniform value in
    [−adversary_value, adversary_value] ("uniform", the Swift CLI's model) instead of f; ``noise`` adds N(0, σ²) to every honest or adversarial output coordinate.
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
        y[np.asarray(adversaries, dtype=int)] = adversary_value * signs
    if noise > 0:
        assert rng is not None
        y = y + rng.normal(0.0, noise, size=y.shape)
    t = survivors_of(scheme.N, stragglers)
    decoded = scheme.decode(y[t], t)
    return mse(decoded, truth), decoded


@dataclass
class RunResult:
    mse: float
    mse_sd: float
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
    adversary_value: float = 10.0,
    adversary_strategy: str = "block",
) -> RunResult:
    """The ``coded run`` experiment: MSE averaged over trials (worst-window: max over windows).

    ``model`` is none | random | worst-window | list | probabilistic. ``adversaries`` = q > 0
    makes q of the responding workers Byzantine in every trial: ``adversary_strategy``
    "uniform" picks q responders uniformly and returns values uniform in ±adversary_value (the
    Swift CLI's model); "block" (default) picks q consecutive responders (in β order) at a uniformly random start, all
    returning +adversary_value in every coordinate — a coherent bump, the harmful direction for a
    linear smoothing decoder; "random-sign" picks q responders uniformly and returns
    ±adversary_value with random signs. (The papers' supremum over all bounded strategies is
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
        return coded_round(scheme, x, strag, noise, rng, adv, adversary_value, worker_outputs=outputs,
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scheme", required=True, choices=SCHEMES)
    p.add_argument("--function", required=True, choices=sorted(FUNCTIONS))
    p.add_argument("--inputs")
    p.add_argument("--K", type=int)
    p.add_argument("--dim", type=int, default=1)
    p.add_argument("--input-range", default="-1:1")
    p.add_argument("--workers", type=int, required=True)
    p.add_argument("--stragglers", type=int, default=0)
    p.add_argument("--straggler-model", default="none",
                   choices=["none", "random", "worst-window", "probabilistic", "fixed"])
    p.add_argument("--straggler-set", help="comma-separated 0-based straggler indices (β order)")
    p.add_argument("--straggler-probability", type=float, default=0.0)
    p.add_argument("--adversaries", type=int, default=0)
    p.add_argument("--adversary-value", type=float, default=10.0)
    p.add_argument("--adversary-strategy", default="uniform", choices=["uniform", "block", "random-sign"])
    p.add_argument("--nodes", default="equispaced", choices=sorted(LAYOUTS))
    p.add_argument("--encoder-lambda", default="0")
    p.add_argument("--decoder-lambda", default="0")
    p.add_argument("--noise", type=float, default=0.0)
    p.add_argument("--trials", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--decoded-output", help="write the decoded K × m values (last trial) as CSV")
    a = p.parse_args(argv)
    try:
        if a.inputs:
            x = read_matrix_csv(a.inputs)
        else:
            if a.K is None:
                raise ValueError("give --inputs FILE or --K")
            lo, hi = (float(v) for v in a.input_range.split(":"))
            x = generated_inputs(a.K, a.dim, lo, hi, a.seed)
        scheme = Scheme(a.scheme, x.shape[0], a.workers, a.nodes, parse_lambda(a.encoder_lambda),
                        parse_lambda(a.decoder_lambda), a.function, a.noise,
                        len(a.straggler_set.split(",")) if a.straggler_set else a.stragglers)
        model, strag_list, S = a.straggler_model, None, a.stragglers
        if a.straggler_model == "fixed" and a.straggler_set is None:
            raise ValueError("--straggler-model fixed needs --straggler-set W1,W2,...")
        if a.straggler_set is not None:
            strag_list = [int(v) for v in a.straggler_set.split(",") if v.strip()]
            model, S = "list", len(strag_list)
        r = run(scheme, x, S, model, a.noise, a.trials, a.seed, strag_list,
                a.straggler_probability, a.adversaries, a.adversary_value, a.adversary_strategy)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["scheme", "function", "K", "N", "S", "straggler_model", "noise", "trials", "mse", "mse_sd", "mse_max"])
    w.writerow([a.scheme, a.function, scheme.K, a.workers, S, model, a.noise, r.trials,
                repr(r.mse), repr(r.mse_sd), repr(r.mse_max)])
    sys.stdout.write(out.getvalue())
    if a.decoded_output and r.decoded is not None:
        write_matrix_csv(a.decoded_output, r.decoded, prefix="y")
    return 0


if __name__ == "__main__":
    sys.exit(main())
