"""Nodes, smoothers and interpolants of the NumPy/SciPy reference (DESIGN.md, "Mathematical
conventions"), all mapping n × c data to p × c values.

- Node families on Ω = [−1, 1], ascending, and the ``--nodes`` layouts (α, β).
- :class:`NaturalSmoothingSpline`: scipy's ``make_smoothing_spline`` continued linearly beyond
  the end knots (as the Swift SmoothingSpline does); GCV (:func:`gcv_lambda`) and the plug-in
  "optimal" λ schedules of Guides/LeTCC.md, re-derived independently of the Swift code.
- Berrut's first-form rational interpolant (:func:`berrut_matrix`, :func:`berrut`) and the
  Lagrange polynomial (:func:`lagrange`).

This module does not pin BLAS threads (reference_coded.py does, before numpy loads), so timing
scripts such as compare_coding_speed.py can use its nodes and Berrut matrices with NumPy's own
threading.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import BarycentricInterpolator, make_smoothing_spline
from scipy.optimize import minimize_scalar

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


def berrut_matrix(nodes: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The p × n matrix R of Berrut's first form: r(z_q) = Σᵢ R[q, i] yᵢ with
    R[q, i] = wᵢ / Σⱼ wⱼ, wᵢ = (−1)ⁱ / (z_q − tᵢ), nodes indexed 0..n−1 in ascending order;
    a point on a node gets that node's value exactly (a unit row)."""
    t = np.asarray(nodes, dtype=float)
    z = np.asarray(points, dtype=float)
    signs = np.where(np.arange(t.size) % 2 == 0, 1.0, -1.0)
    diff = z[:, None] - t[None, :]
    exact = diff == 0
    diff[exact] = 1.0
    terms = signs[None, :] / diff
    m = terms / terms.sum(axis=1, keepdims=True)
    rows = exact.any(axis=1)
    m[rows] = exact[rows].astype(float)
    return m


def berrut(nodes: np.ndarray, values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Berrut's first-form rational interpolant through (nodes, values) at ``points``."""
    y = np.asarray(values, dtype=float).reshape(np.size(nodes), -1)
    return berrut_matrix(nodes, points) @ y


def lagrange(nodes: np.ndarray, values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The interpolating polynomial through all nodes (scipy's barycentric implementation).

    scipy computes the weights over a random permutation of the nodes (for stability); a fixed
    ``rng=0`` makes repeated calls bit-identical.
    """
    t = np.asarray(nodes, dtype=float)
    y = np.asarray(values, dtype=float).reshape(t.size, -1)
    return np.asarray(BarycentricInterpolator(t, y, rng=0)(np.asarray(points, dtype=float))).reshape(-1, y.shape[1])
