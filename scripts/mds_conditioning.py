#!/usr/bin/env python3
"""Worst K-subset condition numbers of two systematic real MDS generators (issue 13).

Candidates, both N x K with the K x K identity on top (workers 0..K-1 hold the data blocks):
  gaussian  : parity rows P[i, k] ~ N(0, 1)/sqrt(K)  (the "random completion")
  chebyshev : G = V V_S^{-1}, V[n, k] = T_k(beta_n) on Chebyshev points of the 2nd kind
              beta_n = -cos(n pi/(N-1)); the systematic workers hold the K nodes nearest to an
              even spread (indices round(k (N-1)/(K-1))), the others hold the parity nodes.
For each, the 2-norm condition number of G_T over K-subsets T: the median of 200 random subsets
and the worst found by a search (random starts plus greedy single-row swaps that raise the
condition number). Writes CSV to stdout; the Swift MDSCode uses the winner.
"""
import argparse
import sys

import numpy as np


def gaussian(n, k, rng):
    return np.vstack([np.eye(k), rng.standard_normal((n - k, k)) / np.sqrt(k)])


def chebyshev(n, k, rng=None):
    beta = -np.cos(np.arange(n) * np.pi / (n - 1))
    systematic = sorted(set(int(round(j * (n - 1) / (k - 1))) for j in range(k)))
    parity = [i for i in range(n) if i not in systematic]
    order = systematic + parity
    v = np.polynomial.chebyshev.chebvander(beta[order], k - 1)
    return v @ np.linalg.inv(v[:k])


def worst_subset(g, k, rng, starts=8, sweeps=3):
    n = g.shape[0]
    worst = 0.0
    for start in range(starts):
        # Half the starts begin with all parity rows, the rest at random.
        if start % 2 == 0 and n - k >= k:
            rows = list(rng.choice(np.arange(k, n), size=k, replace=False))
        else:
            rows = list(rng.choice(n, size=k, replace=False))
        best = np.linalg.cond(g[rows])
        for _ in range(sweeps):
            improved = False
            for pos in rng.permutation(k)[: min(k, 16)]:
                for cand in rng.permutation([r for r in range(n) if r not in rows])[:16]:
                    trial = rows.copy()
                    trial[pos] = cand
                    c = np.linalg.cond(g[trial])
                    if c > best:
                        best, rows, improved = c, trial, True
            if not improved:
                break
        worst = max(worst, best)
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,16,32,64,128", help="comma-separated K (N = 2K)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print("generator,K,N,median_random_condition,worst_found_condition")
    for k in [int(s) for s in args.sizes.split(",")]:
        n = 2 * k
        for name, make in (("gaussian", gaussian), ("chebyshev", chebyshev)):
            g = make(n, k, rng)
            conds = [np.linalg.cond(g[rng.choice(n, size=k, replace=False)]) for _ in range(200)]
            worst = max(worst_subset(g, k, rng), max(conds))
            print(f"{name},{k},{n},{np.median(conds):.6g},{worst:.6g}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
