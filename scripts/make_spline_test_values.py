#!/usr/bin/env python3
"""Reference values for the smoothing-spline tests (Tests/CodedComputingTests/SplineReferenceData.swift).

Writes a Swift source file with, for several knot sets, weights, λ and data columns:
  * scipy.interpolate.make_smoothing_spline(x, y, w, lam) values, first and second derivatives at
    points inside the knot range (one fit per column; scipy's λ is ours);
  * scipy.interpolate.CubicSpline(x, y, bc_type="natural") for λ = 0;
  * the exact answer of the same penalised problem, from Reinsch's system solved in rational
    arithmetic (fractions.Fraction) on the very same float inputs, so that where scipy and the
    Swift code disagree (large λ) we know which one is right;
  * scipy's GCV choice of λ (captured from make_smoothing_spline(lam=None)) and the GCV score and
    degrees of freedom from a dense, independent float computation at a few λ.

Every input is embedded in the Swift file with 17 significant digits, so it round-trips exactly.

    python3 scripts/make_spline_test_values.py > Tests/CodedComputingTests/SplineReferenceData.swift

It also prints, on stderr, how far scipy is from the exact answer for each case.
"""

import sys
from fractions import Fraction

import numpy as np
import scipy
from scipy.interpolate import CubicSpline, make_smoothing_spline
import scipy.interpolate._bsplines as _bsplines


def exact_fit(x, Y, w, lam):
    """Exact (rational) knot values g and second derivatives γ (n × c lists of Fractions)."""
    n = len(x)
    X = [Fraction(v) for v in x]
    W = [Fraction(v) for v in w]
    L = Fraction(lam)
    h = [X[i + 1] - X[i] for i in range(n - 1)]
    m = n - 2
    # Q columns r: knots r, r+1, r+2.
    q = [(1 / h[r], -1 / h[r] - 1 / h[r + 1], 1 / h[r + 1]) for r in range(m)]
    # Dense (m × m) B = R + λ QᵀW⁻¹Q; banded but m ≤ 48 so dense Gaussian elimination is fine.
    B = [[Fraction(0)] * m for _ in range(m)]
    for r in range(m):
        B[r][r] += (h[r] + h[r + 1]) / 3
        if r + 1 < m:
            B[r][r + 1] += h[r + 1] / 6
            B[r + 1][r] += h[r + 1] / 6
    for r in range(m):
        for s in range(max(0, r - 2), min(m, r + 3)):
            acc = Fraction(0)
            for k in range(n):
                a = q[r][k - r] if 0 <= k - r <= 2 else 0
                b = q[s][k - s] if 0 <= k - s <= 2 else 0
                if a and b:
                    acc += a * b / W[k]
            B[r][s] += L * acc
    cols = len(Y[0])
    G, S = [], []
    for c in range(cols):
        y = [Fraction(Y[i][c]) for i in range(n)]
        rhs = [q[r][0] * y[r] + q[r][1] * y[r + 1] + q[r][2] * y[r + 2] for r in range(m)]
        A = [row[:] for row in B]
        b = rhs[:]
        for k in range(m):  # SPD: no pivoting needed; band limits the work.
            for i in range(k + 1, min(m, k + 3)):
                f = A[i][k] / A[k][k]
                if f:
                    for j in range(k, min(m, k + 3)):
                        A[i][j] -= f * A[k][j]
                    b[i] -= f * b[k]
        gam = [Fraction(0)] * m
        for i in reversed(range(m)):
            acc = b[i]
            for j in range(i + 1, min(m, i + 3)):
                acc -= A[i][j] * gam[j]
            gam[i] = acc / A[i][i]
        g = y[:]
        for i in range(n):
            qg = Fraction(0)
            for r in range(max(0, i - 2), min(m, i + 1)):
                qg += q[r][i - r] * gam[r]
            g[i] -= L * qg / W[i]
        G.append(g)
        S.append([Fraction(0)] + gam + [Fraction(0)])
    return X, G, S


def exact_eval(X, g, s, z):
    """Value, first and second derivative of the natural spline (g, γ) at z inside the knots."""
    Z = Fraction(z)
    i = max(k for k in range(len(X) - 1) if X[k] <= Z)
    hh = X[i + 1] - X[i]
    a = (X[i + 1] - Z) / hh
    b = 1 - a
    v = a * g[i] + b * g[i + 1] + ((a**3 - a) * s[i] + (b**3 - b) * s[i + 1]) * hh * hh / 6
    d1 = (g[i + 1] - g[i]) / hh + hh / 6 * (-(3 * a * a - 1) * s[i] + (3 * b * b - 1) * s[i + 1])
    d2 = a * s[i] + b * s[i + 1]
    return float(v), float(d1), float(d2)


def inside_points(x, per_interval):
    pts = []
    for i in range(len(x) - 1):
        for k in range(per_interval):
            pts.append(x[i] + (x[i + 1] - x[i]) * (k / per_interval + 0.13))
    pts.append(x[-1])
    return [p for p in pts if x[0] <= p <= x[-1]]


def swift_array(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def swift_matrix(rows):
    """Row arrays → a Swift [[Double]] literal."""
    return "[\n" + "".join(f"      {swift_array(r)},\n" for r in rows) + "    ]"


def relative_gap(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def case(name, x, Y, w, lams, points):
    x = np.asarray(x, dtype=float)
    Y = np.asarray(Y, dtype=float)
    out = []
    for lam in lams:
        sv, s1, s2 = [], [], []
        for c in range(Y.shape[1]):
            spl = make_smoothing_spline(x, Y[:, c], w=None if w is None else np.asarray(w), lam=lam)
            sv.append(spl(points))
            s1.append(spl.derivative(1)(points))
            s2.append(spl.derivative(2)(points))
        sv, s1, s2 = (np.array(a).T for a in (sv, s1, s2))
        X, G, S = exact_fit(x, Y.tolist(), [1.0] * len(x) if w is None else w, lam)
        ev = np.array([[exact_eval(X, G[c], S[c], z) for c in range(Y.shape[1])] for z in points])
        exact = [ev[:, :, 0], ev[:, :, 1], ev[:, :, 2]]
        gaps = [relative_gap(a, e) for a, e in zip((sv, s1, s2), exact)]
        print(f"{name} lam={lam:g}: scipy vs exact relative gap value {gaps[0]:.2e} "
              f"d1 {gaps[1]:.2e} d2 {gaps[2]:.2e}", file=sys.stderr)
        natural = None
        if lam == 0:
            cs = CubicSpline(x, Y, bc_type="natural")
            natural = [cs(points), cs(points, 1), cs(points, 2)]
            ngaps = [relative_gap(a, e) for a, e in zip(natural, exact)]
            print(f"{name} CubicSpline natural vs exact: {ngaps[0]:.2e} {ngaps[1]:.2e} "
                  f"{ngaps[2]:.2e}", file=sys.stderr)
        out.append((lam, (sv, s1, s2), exact, natural))
    lines = [f"  static let {name} = SplineReferenceCase(", f"    knots: {swift_array(x)},"]
    lines.append(f"    weights: {'nil' if w is None else swift_array(w)},")
    lines.append(f"    data: {swift_matrix(Y.tolist())},")
    lines.append(f"    points: {swift_array(points)},")
    lines.append("    fits: [")
    for lam, sc, ex, nat in out:
        lines.append(f"      SplineReferenceFit(")
        lines.append(f"        lambda: {float(lam)!r},")
        for label, mats in (("scipy", sc), ("exact", ex)):
            lines.append(f"        {label}: SplineReferenceValues(")
            lines.append(f"          values: {swift_matrix(mats[0].tolist())},")
            lines.append(f"          firstDerivatives: {swift_matrix(mats[1].tolist())},")
            lines.append(f"          secondDerivatives: {swift_matrix(mats[2].tolist())}),")
        if nat is None:
            lines.append("        naturalCubicSpline: nil),")
        else:
            lines.append("        naturalCubicSpline: SplineReferenceValues(")
            lines.append(f"          values: {swift_matrix(nat[0].tolist())},")
            lines.append(f"          firstDerivatives: {swift_matrix(nat[1].tolist())},")
            lines.append(f"          secondDerivatives: {swift_matrix(nat[2].tolist())})),")
    lines.append("    ])")
    return "\n".join(lines)


def dense_gcv(x, y, lam):
    """GCV score (1/n)‖y − Sy‖² / (1 − tr S/n)² and tr S from the dense smoother matrix (unit weights)."""
    n = len(x)
    h = np.diff(x)
    Q = np.zeros((n, n - 2))
    R = np.zeros((n - 2, n - 2))
    for r in range(n - 2):
        Q[r, r], Q[r + 1, r], Q[r + 2, r] = 1 / h[r], -1 / h[r] - 1 / h[r + 1], 1 / h[r + 1]
        R[r, r] = (h[r] + h[r + 1]) / 3
        if r + 1 < n - 2:
            R[r, r + 1] = R[r + 1, r] = h[r + 1] / 6
    K = Q @ np.linalg.solve(R, Q.T)
    S = np.linalg.inv(np.eye(n) + lam * K)
    res = y - S @ y
    tr = np.trace(S)
    return float(res @ res / n / (1 - tr / n) ** 2), float(tr)


def scipy_gcv_lambda(x, y):
    captured = []
    original = _bsplines._compute_optimal_gcv_parameter

    def spy(*args):
        lam = original(*args)
        captured.append(float(lam))
        return lam

    _bsplines._compute_optimal_gcv_parameter = spy
    try:
        make_smoothing_spline(x, y)
    finally:
        _bsplines._compute_optimal_gcv_parameter = original
    return captured[0]


def main():
    print(f"scipy {scipy.__version__}, numpy {np.__version__}", file=sys.stderr)
    blocks = []

    # n = 5, non-uniform knots, one column, unit weights.
    x5 = [0.0, 0.4, 1.0, 1.9, 3.0]
    y5 = [[1.0], [-0.5], [2.0], [0.3], [1.2]]
    blocks.append(case("n5", x5, y5, None, [0.0, 1e-3, 0.5, 1e6], inside_points(x5, 4)))

    # n = 12, non-uniform knots, non-unit weights, three columns.
    i12 = np.arange(12)
    x12 = (i12 + 0.35 * np.sin(1.7 * i12)).tolist()
    w12 = (0.5 + 0.75 * (i12 % 3)).tolist()
    xa = np.asarray(x12)
    y12 = np.column_stack([np.cos(xa), xa**2 / 10 + np.sin(3 * xa), np.exp(-xa / 4) * (1 + 0.1 * (i12 % 2))])
    blocks.append(case("n12", x12, y12.tolist(), w12, [0.0, 1e-4, 0.05, 2.0, 1e6], inside_points(x12, 2)))

    # n = 50, random knots on [0, 10], two noisy columns, unit weights.
    rng = np.random.default_rng(20261123)
    x50 = np.sort(rng.uniform(0, 10, 50))
    y50 = np.column_stack([np.sin(x50) + 0.2 * rng.standard_normal(50),
                           np.cos(0.5 * x50) * x50 + 0.3 * rng.standard_normal(50)])
    pts50 = np.linspace(x50[0], x50[-1], 25).tolist()
    blocks.append(case("n50", x50.tolist(), y50.tolist(), None, [0.0, 1e-3, 0.1, 1e6], pts50))

    # GCV: seeded noisy sine, n = 60 equispaced on [0, 2π], one column, unit weights.
    rng = np.random.default_rng(7)
    xg = np.linspace(0, 2 * np.pi, 60)
    yg = np.sin(xg) + 0.3 * rng.standard_normal(60)
    lam_scipy = scipy_gcv_lambda(xg, yg)
    probes = [1e-3, 1e-2, 0.1, 1.0, lam_scipy]
    scores = [dense_gcv(xg, yg, lam) for lam in probes]
    print(f"gcv: scipy lam {lam_scipy!r}; dense scores {scores}", file=sys.stderr)

    print("// Generated by scripts/make_spline_test_values.py (scipy %s, numpy %s); do not edit."
          % (scipy.__version__, np.__version__))
    print("// `scipy`: make_smoothing_spline(x, y[:, c], w, lam) and its .derivative(1), .derivative(2);")
    print("// `exact`: Reinsch's system solved in rational arithmetic on the same float inputs;")
    print("// `naturalCubicSpline`: CubicSpline(x, y, bc_type=\"natural\"). All at points inside the knots.")
    print("// Matrices are row arrays: one row per point, one column per data column.\n")
    print("enum SplineReferenceData {")
    print("\n\n".join(blocks))
    print()
    print("  /// GCV reference: y = sin(t) + 0.3·N(0,1) (numpy default_rng(7)) at 60 equispaced t on [0, 2π].")
    print(f"  static let gcvKnots: [Double] = {swift_array(xg)}")
    print(f"  static let gcvData: [Double] = {swift_array(yg)}")
    print("  /// λ chosen by make_smoothing_spline(x, y) (lam=None: minimize_scalar bounded on (0, n)).")
    print(f"  static let gcvScipyLambda: Double = {lam_scipy!r}")
    print("  /// (λ, GCV score, tr S) from the dense smoother matrix S = (I + λQR⁻¹Qᵀ)⁻¹ in numpy.")
    print("  static let gcvProbes: [(lambda: Double, score: Double, degreesOfFreedom: Double)] = [")
    for lam, (sc, tr) in zip(probes, scores):
        print(f"    ({lam!r}, {sc!r}, {tr!r}),")
    print("  ]")
    print("}")


if __name__ == "__main__":
    main()
