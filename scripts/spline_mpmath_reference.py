#!/usr/bin/env python3
"""Exact degrees of freedom tr S_λ = 2 + tr((R + λM)⁻¹R) for the GCV trace test at n = 20 001.

The problem is defined in closed form so that Swift and Python build the same doubles (both call
the C library's sin and cos): knots tᵢ = i + 0.4·sin(i), weights wᵢ = 1 + 0.5·cos(3i), i < n.
R + λQᵀW⁻¹Q is assembled from those doubles and factorised (LDLᵀ) in mpmath at 45 significant
digits, and the band of its inverse comes from the Hutchinson–de Hoog recursion, also at 45
digits — enough for condition numbers up to 10¹⁵ with 25 digits to spare. Prints the Swift
literal used by Tests/CodedComputingTests/SplineTwistedQRTests.swift (about 30 s).

    python3 scripts/gcv_trace_reference.py
"""

import math

from mpmath import mp, mpf

mp.dps = 45
N = 20_001
LAMBDAS = [1e2, 1e5, 1e8, 1e11, 1e13]


def factorise(t, w, lam):
    """R's band, Q's coefficients and the LDLᵀ factor of R + λQᵀW⁻¹Q."""
    n = len(t)
    m = n - 2
    h = [t[i + 1] - t[i] for i in range(n - 1)]
    ih = [1 / x for x in h]

    def q(c, j):
        return ih[c] if j == 0 else (-ih[c] - ih[c + 1] if j == 1 else ih[c + 1])

    lam = mpf(lam)
    r0 = [(h[c] + h[c + 1]) / 3 for c in range(m)]
    r1 = [h[c + 1] / 6 if c + 1 < m else mpf(0) for c in range(m)]
    a0 = [r0[c] + lam * sum(q(c, j) ** 2 / w[c + j] for j in range(3)) for c in range(m)]
    a1 = [mpf(0)] * m
    a2 = [mpf(0)] * m
    for c in range(m):
        if c + 1 < m:
            a1[c] = r1[c] + lam * (
                q(c, 1) * q(c + 1, 0) / w[c + 1] + q(c, 2) * q(c + 1, 1) / w[c + 2])
        if c + 2 < m:
            a2[c] = lam * q(c, 2) * q(c + 2, 0) / w[c + 2]
    # LDLᵀ: l1[c] = L(c, c−1), l2[c] = L(c, c−2).
    d = [mpf(0)] * m
    l1 = [mpf(0)] * m
    l2 = [mpf(0)] * m
    for c in range(m):
        if c >= 2:
            l2[c] = a2[c - 2] / d[c - 2]
        if c >= 1:
            l1[c] = (a1[c - 1] - (l2[c] * d[c - 2] * l1[c - 1] if c >= 2 else 0)) / d[c - 1]
        d[c] = (a0[c] - (l1[c] ** 2 * d[c - 1] if c >= 1 else 0)
                - (l2[c] ** 2 * d[c - 2] if c >= 2 else 0))
    return r0, r1, q, d, l1, l2


def fitted_values(t, w, y, lam):
    n = len(t)
    m = n - 2
    _, _, q, d, l1, l2 = factorise(t, w, lam)
    x = [sum(q(c, j) * y[c + j] for j in range(3)) for c in range(m)]
    for c in range(m):
        if c >= 1:
            x[c] -= l1[c] * x[c - 1]
        if c >= 2:
            x[c] -= l2[c] * x[c - 2]
    x = [x[c] / d[c] for c in range(m)]
    for c in range(m - 1, -1, -1):
        if c + 1 < m:
            x[c] -= l1[c + 1] * x[c + 1]
        if c + 2 < m:
            x[c] -= l2[c + 2] * x[c + 2]
    g = []
    for i in range(n):
        qg = sum(q(i - j, j) * x[i - j] for j in range(3) if 0 <= i - j < m)
        g.append(y[i] - mpf(lam) * qg / w[i])
    return g


def degrees_of_freedom(t, w, lam):
    m = len(t) - 2
    r0, r1, _, d, l1, l2 = factorise(t, w, lam)
    # Σ = L⁻ᵀD⁻¹L⁻¹ on the band, from the last row up.
    s0 = [mpf(0)] * (m + 2)
    s1 = [mpf(0)] * (m + 2)
    trace = mpf(0)
    for j in range(m - 1, -1, -1):
        f1 = l1[j + 1] if j + 1 < m else 0
        f2 = l2[j + 2] if j + 2 < m else 0
        sj2 = -f1 * s1[j + 1] - f2 * s0[j + 2]
        s1[j] = -f1 * s0[j + 1] - f2 * s1[j + 1]
        s0[j] = 1 / d[j] - f1 * s1[j] - f2 * sj2
        trace += s0[j] * r0[j] + 2 * s1[j] * r1[j]
    return 2 + trace


EXTREME_N = 4_001
EXTREME_LAMBDAS = [1e12, 1e15, 1e18]
EXTREME_KNOTS = [0, 1, 2, 1000, 1999, 2000, 2001, 2002, 3000, 3998, 3999, 4000]


def problem(n):
    t = [mpf(i + 0.4 * math.sin(i)) for i in range(n)]
    w = [mpf(1 + 0.5 * math.cos(3 * i)) for i in range(n)]
    return t, w


def main():
    t, w = problem(N)
    print("  static let exactDegreesOfFreedom: [(lambda: Double, degreesOfFreedom: Double)] = [")
    for lam in LAMBDAS:
        print(f"    ({lam!r}, {mp.nstr(degrees_of_freedom(t, w, lam), 17)}),", flush=True)
    print("  ]")
    mp.dps = 60
    t, w = problem(EXTREME_N)
    y = [mpf(math.sin(i / 300) + (1.0 if i > 2000 else 0.0)) for i in range(EXTREME_N)]
    print(f"  static let extremeKnots = {EXTREME_KNOTS}")
    print("  static let extremeFits: [(lambda: Double, values: [Double])] = [")
    for lam in EXTREME_LAMBDAS:
        g = fitted_values(t, w, y, lam)
        values = ", ".join(mp.nstr(g[i], 17) for i in EXTREME_KNOTS)
        print(f"    ({lam!r}, [{values}]),", flush=True)
    print("  ]")


if __name__ == "__main__":
    main()
