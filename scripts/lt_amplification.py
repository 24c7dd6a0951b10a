#!/usr/bin/env python3
"""Where real-valued LT peeling loses accuracy (issue 15; Guides/LTCodes.md, numerical behaviour).

    python3 scripts/lt_amplification.py M... [--output FILE]   # e.g. 1000 3000 5000 (about 1 s)
    (notebooks-data/lt-amplification.csv: 1000 3000 5000 --output notebooks-data/lt-amplification.csv)

Draws RS(m, 0.03, 0.5) symbols (NumPy, seed 1) over x ~ U(-10, 10) until peeling completes, then
solves the peeling order's triangular system three ways and prints the worst |error| of a source:
  float dec, naive sums   - floating-point back-substitution of left-to-right double sums;
  exact dec, rounded sums - exact rational back-substitution of correctly rounded double sums;
  exact dec, dd sums      - exact rational back-substitution of double-double sums (hi + lo).
An exact decoder does not help while the symbol values are rounded (the error is the rounding,
amplified by the inverse of the triangular system); exact symbol values do.
"""
import os
import sys
from fractions import Fraction
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lt_reference import robust_soliton
import numpy as np

def run(m, seed=1):
    rng = np.random.default_rng(seed)
    s, r, beta, mu = robust_soliton(m)
    x = rng.uniform(-10, 10, m)
    xf = [Fraction(float(v)) for v in x]
    # draw symbols until peel completes (structure first)
    known = [False]*m
    adj = [[] for _ in range(m)]
    deg = []; members = []
    ripple = []
    order = []  # (symbol, source) recovery order
    rec = 0
    while rec < m:
        d = int(rng.choice(m, p=mu)) + 1
        src = rng.choice(m, d, replace=False)
        e = len(members); members.append(list(src))
        unk = [int(t) for t in src if not known[t]]
        deg.append(len(unk))
        for t in unk: adj[t].append(e)
        if len(unk) == 1: ripple.append(e)
        while ripple:
            f = ripple.pop()
            if deg[f] != 1: continue
            t = [u for u in members[f] if not known[u]][0]
            known[t] = True; rec += 1; order.append((f, t))
            for g in adj[t]:
                if deg[g] > 0:
                    deg[g] -= 1
                    if deg[g] == 1: ripple.append(g)
    # now evaluate values in recovery order (back substitution)
    def solve(symval, exact):
        val = {}
        for f, t in order:
            v = symval[f]
            for u in members[f]:
                if u != t: v = v - val[u]
            val[t] = v
        return val
    exact_sum = [sum(xf[t] for t in mem) for mem in members]
    naive = [float(sum(float(x[t]) for t in mem)) for mem in members]  # python sum is left-to-right
    rounded = [float(v) for v in exact_sum]
    # double-double of exact
    dd = []
    for v in exact_sum:
        hi = float(v); lo = float(v - Fraction(hi)); dd.append(Fraction(hi)+Fraction(lo))
    out = {}
    # float decoder naive
    val = solve(naive, False); out['float dec, naive sums'] = float(max(abs(val[t]-x[t]) for t in range(m)))
    valE = solve([Fraction(v) for v in rounded], True); out['exact dec, rounded sums'] = float(max(abs(valE[t]-xf[t]) for t in range(m)))
    valD = solve(dd, True); out['exact dec, dd sums'] = float(max(abs(valD[t]-xf[t]) for t in range(m)))
    return out

def main(argv):
    """Print one line per m; with `--output FILE`, also write FILE as a CSV with one row per m
    and method (sources, method, worst_abs_error)."""
    output = None
    if "--output" in argv:
        at = argv.index("--output")
        if at + 1 >= len(argv):
            sys.exit("error: --output needs a file name")
        output = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    try:
        sizes = [int(a) for a in argv]
    except ValueError:
        sys.exit(f"error: expected numbers of sources, got {' '.join(argv)}")
    rows = []
    for m in sizes:
        result = run(m)
        print(m, result)
        rows += [(m, method, error) for method, error in result.items()]
    if output:
        import csv  # noqa: PLC0415
        with open(output + ".tmp", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["sources", "method", "worst_abs_error"])
            writer.writerows(rows)
        os.replace(output + ".tmp", output)


main(sys.argv[1:])
