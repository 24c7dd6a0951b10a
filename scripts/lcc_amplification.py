#!/usr/bin/env python3
"""How much LCC's decoder amplifies rounding errors under worst-window stragglers.

For K data points α (Chebyshev 1st kind) and N worker points β (Chebyshev 2nd kind), the decoder
interpolates the |T| = N − S survivors with a polynomial of degree |T| − 1 and evaluates it at the
α. A perturbation δ of the survivors' results moves the estimates by at most Λ·max|δ|, where
Λ = maxₖ Σᵢ |ℓᵢ(αₖ)| is the Lebesgue constant of the survivor set evaluated at the α. This prints
the largest Λ over the N − S + 1 windows of S consecutive stragglers (Guides/LCC.md, "Stability").

    python3 scripts/lcc_amplification.py [--K 10] [--stragglers 2,5] [--workers 20,40,...,640]
"""
import argparse

import numpy as np


def chebyshev1(count):
    k = np.arange(count)
    return -np.cos((2 * k + 1) * np.pi / (2 * count))


def chebyshev2(count):
    nodes = -np.cos(np.arange(count) * np.pi / (count - 1))
    nodes[0], nodes[-1] = -1.0, 1.0
    return nodes


def lebesgue_at(points, targets):
    """maxₖ Σᵢ |ℓᵢ(zₖ)|, each |ℓᵢ(z)| = Πⱼ≠ᵢ |z − tⱼ| / Πⱼ≠ᵢ |tᵢ − tⱼ| summed in logarithms
    (no cancellation, unlike the barycentric quotient)."""
    gaps = np.abs(points[:, None] - points[None, :])
    np.fill_diagonal(gaps, 1.0)
    log_denominator = np.log(gaps).sum(axis=1)                    # log Πⱼ≠ᵢ |tᵢ − tⱼ|
    distances = np.log(np.abs(targets[:, None] - points[None, :]))  # log |zₖ − tⱼ|
    log_numerator = distances.sum(axis=1)[:, None] - distances      # log Πⱼ≠ᵢ |zₖ − tⱼ|
    return np.exp(log_numerator - log_denominator[None, :]).sum(axis=1).max()


def worst_window_amplification(k, n, s):
    alpha, beta = chebyshev1(k), chebyshev2(n)
    return max(lebesgue_at(np.delete(beta, range(i, i + s)), alpha) for i in range(n - s + 1))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--K", type=int, default=10)
    p.add_argument("--stragglers", default="2,5")
    p.add_argument("--workers", default="20,40,80,160,320,640")
    args = p.parse_args()
    print("K,N,S,amplification")
    for s in (int(v) for v in args.stragglers.split(",")):
        for n in (int(v) for v in args.workers.split(",")):
            print(f"{args.K},{n},{s},{worst_window_amplification(args.K, n, s):.3g}")


if __name__ == "__main__":
    main()
