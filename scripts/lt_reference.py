#!/usr/bin/env python3
"""Independent NumPy reference for the LT code of issue 15 (Robust Soliton, rank tests).

    python3 scripts/lt_reference.py soliton M [C DELTA]   # prints S, R, beta and mu(1..min(M, 12)), mu(R)

The Robust Soliton follows Luby 2002 as written in Guides/LTCodes.md: S = c ln(m/delta) sqrt(m),
R = round(m/S), rho(1) = 1/m, rho(d) = 1/(d(d-1)), tau(d) = 1/(dR) for d < R,
tau(R) = ln(S/delta)/R, mu = (rho + tau)/sum.  Values recorded in
Tests/CodedComputingTests/RobustSolitonTests.swift come from this script.
"""
import sys

import numpy as np


def robust_soliton(m, c=0.03, delta=0.5):
    s = c * np.log(m / delta) * np.sqrt(m)
    r = int(np.floor(m / s + 0.5))  # round half away from zero for positives (Swift .rounded())
    r = max(1, r)
    d = np.arange(1, m + 1, dtype=float)
    rho = np.where(d == 1, 1.0 / m, 1.0 / (d * np.maximum(d - 1, 1)))
    tau = np.zeros(m)
    below = d < r
    tau[below] = 1.0 / (d[below] * r)
    if r <= m:
        tau[r - 1] = max(0.0, np.log(s / delta)) / r
    weights = rho + tau
    beta = weights.sum()
    return s, r, beta, weights / beta


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "soliton":
        m = int(sys.argv[2])
        c = float(sys.argv[3]) if len(sys.argv) > 3 else 0.03
        delta = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
        s, r, beta, mu = robust_soliton(m, c, delta)
        print(f"S={float(s)!r} R={r} beta={float(beta)!r} mean={float((np.arange(1, m + 1) * mu).sum())!r}")
        for d in range(1, min(m, 12) + 1):
            print(f"mu({d})={float(mu[d - 1])!r}")
        if r <= m:
            print(f"mu(R={r})={float(mu[r - 1])!r}")
        return
    print(__doc__)
    sys.exit(64)


if __name__ == "__main__":
    main()
