#!/usr/bin/env python3
"""Log-log decay rates with confidence intervals over seeds.

Model: MSE(N) ≈ C · log(N)^a · N^b. With ``a`` given (0 for a plain power law; 3 or 4 for the
log-corrected rates of Moradi & Maddah-Ali 2025, arXiv 2502.00645) the exponent b is the OLS
slope of log(MSE / log(N)^a) on log N.

Confidence interval:
- several seeds (independent repetitions of the whole sweep): fit b per seed, report the mean
  b̄ and b̄ ± t(0.975, s−1)·sd/√s over the s seeds (a t interval on the per-seed slopes; it
  captures the seed-to-seed variability, which is what "over seeds" asks for);
- one seed: the classical OLS interval b ± t(0.975, n−2)·se(b) over the n points of the curve.

``python3 scripts/slopes.py FILE.csv --x N --y mse --group scheme,function --seed seed`` prints a
CSV with one row per group. Dependencies: numpy, scipy.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass
class SlopeFit:
    """A fitted exponent b with its 95 % interval [low, high]."""

    slope: float
    low: float
    high: float
    intercept: float
    seeds: int
    points: int
    method: str
    r2: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def _transform(x: np.ndarray, y: np.ndarray, log_power: float) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"x and y differ in shape: {x.shape} vs {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("log-log fits need positive x and y")
    if log_power and np.any(x <= 1):
        raise ValueError("log-corrected fits need x > 1")
    ly = np.log(y) - (log_power * np.log(np.log(x)) if log_power else 0.0)
    return np.log(x), ly


def ols(x: np.ndarray, y: np.ndarray, log_power: float = 0.0) -> tuple[float, float, float, float]:
    """(slope, intercept, standard error of the slope, R²) of log y − a·log log x on log x."""
    lx, ly = _transform(x, y, log_power)
    n = lx.size
    if n < 2 or np.ptp(lx) == 0:
        raise ValueError("need at least two distinct x values")
    xm, ym = lx.mean(), ly.mean()
    sxx = float(np.sum((lx - xm) ** 2))
    slope = float(np.sum((lx - xm) * (ly - ym)) / sxx)
    intercept = float(ym - slope * xm)
    resid = ly - (intercept + slope * lx)
    sst = float(np.sum((ly - ym) ** 2))
    r2 = 1.0 - float(np.sum(resid**2)) / sst if sst > 0 else 1.0
    se = math.sqrt(float(np.sum(resid**2)) / (n - 2) / sxx) if n > 2 else float("nan")
    return slope, intercept, se, r2


def fit_slope(x, y_by_seed, log_power: float = 0.0, confidence: float = 0.95) -> SlopeFit:
    """Fit the exponent b of y ≈ C·log(x)^a·x^b.

    - Parameters: ``x`` (n,), ``y_by_seed`` (s, n) or (n,) — one row per seed.
    - Returns: :class:`SlopeFit` (see the module doc for the interval).
    """
    x = np.asarray(x, dtype=float)
    ys = np.atleast_2d(np.asarray(y_by_seed, dtype=float))
    if ys.shape[1] != x.size:
        raise ValueError(f"y has {ys.shape[1]} points per seed, x has {x.size}")
    q = 0.5 + confidence / 2
    if ys.shape[0] == 1:
        slope, intercept, se, r2 = ols(x, ys[0], log_power)
        if x.size > 2:
            h = stats.t.ppf(q, x.size - 2) * se
        else:
            h = float("nan")
        return SlopeFit(slope, slope - h, slope + h, intercept, 1, x.size, "ols", r2)
    fits = [ols(x, row, log_power) for row in ys]
    slopes = np.array([f[0] for f in fits])
    s = slopes.size
    mean = float(slopes.mean())
    h = float(stats.t.ppf(q, s - 1) * slopes.std(ddof=1) / math.sqrt(s))
    intercept = float(np.mean([f[1] for f in fits]))
    r2 = float(np.mean([f[3] for f in fits]))
    return SlopeFit(mean, mean - h, mean + h, intercept, s, x.size, "per-seed-t", r2)


def fit_table(rows: list[dict], x: str, y: str, group: list[str], seed: str | None,
              log_power: float = 0.0) -> list[tuple[tuple, SlopeFit]]:
    """Group tidy rows, pivot to seeds × x, and fit each group (only x present in every seed)."""
    groups: dict[tuple, dict] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        key = tuple(row[g] for g in group)
        s = row[seed] if seed else "0"
        groups[key][s][float(row[x])] = float(row[y])
    out = []
    for key, by_seed in groups.items():
        common = sorted(set.intersection(*(set(v) for v in by_seed.values())))
        xs = np.array(common)
        ys = np.array([[by_seed[s][c] for c in common] for s in sorted(by_seed)])
        good = np.all(ys > 0, axis=0) & np.all(np.isfinite(ys), axis=0)
        if good.sum() < 2:
            continue
        out.append((key, fit_slope(xs[good], ys[:, good], log_power)))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Fit log-log slopes with confidence intervals.")
    p.add_argument("csv")
    p.add_argument("--x", default="N")
    p.add_argument("--y", default="mse")
    p.add_argument("--group", default="scheme,function")
    p.add_argument("--seed", default=None, help="column holding the seed (omit for one seed)")
    p.add_argument("--log-power", type=float, default=0.0)
    a = p.parse_args(argv)
    try:
        with open(a.csv, newline="") as handle:
            rows = list(csv.DictReader(handle))
        group = [g for g in a.group.split(",") if g]
        fits = fit_table(rows, a.x, a.y, group, a.seed, a.log_power)
    except (OSError, KeyError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(group + ["log_power", "slope", "ci_low", "ci_high", "seeds", "points", "method", "r2"])
    for key, f in fits:
        w.writerow(list(key) + [a.log_power, f"{f.slope:.4f}", f"{f.low:.4f}", f"{f.high:.4f}",
                                f.seeds, f.points, f.method, f"{f.r2:.4f}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
