#!/usr/bin/env python3
"""Every random draw of `coded run` / `coded sweep`, re-implemented from Guides/Conventions.md alone.

Pure Python (no NumPy): SplitMix64, the bounded integer draw and the two uniform-double recipes of
Swift's standard library, the partial Fisher–Yates subset, `uniformInputs`, Box–Muller noise,
exponential/Pareto run times, and the per-trial order in which an experiment consumes its
stream. scripts/tests/test_reproduce_draws.py checks, against the built `coded` binary, that the
numbers here are the ones the library draws, bit for bit.

Command line (prints CSV):

    python3 scripts/reproduce_draws.py inputs --K 10 --dim 1 --input-range -1:1 --seed 0
    python3 scripts/reproduce_draws.py stragglers --workers 40 --stragglers 5 --trials 3 --seed 0
    python3 scripts/reproduce_draws.py stragglers --straggler-model probabilistic \
        --straggle-probability 0.3 --workers 20 --minimum-survivors 3 --seed 1
    python3 scripts/reproduce_draws.py stragglers --straggler-model latency \
        --latency exponential:2 --workers 20 --stragglers 4 --seed 1

`stragglers` prints one line per trial, `trial,stragglers` with the set as I;J;K (ascending);
give `--dim-out M` and `--noise σ` when the experiment adds noise, because the noise is drawn
before the straggler set in every trial (Guides/Conventions.md, "The order of draws").
"""

from __future__ import annotations

import argparse
import math
import sys

MASK64 = (1 << 64) - 1


class SplitMix64:
    """Vigna's splitmix64.c: state += 0x9E3779B97F4A7C15, then the Stafford Mix13 finaliser."""

    def __init__(self, seed: int) -> None:
        self.state = seed & MASK64

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def next_bounded(g: SplitMix64, upper: int) -> int:
    """Swift's `RandomNumberGenerator.next(upperBound:)` for UInt64: Lemire's multiply-high.

    r = next(); m = r·upper (128 bits); if low64(m) < upper, let t = (2⁶⁴ − upper) mod upper and
    redraw while low64(m) < t; return high64(m) — uniform on 0..<upper.
    """
    assert 0 < upper <= MASK64
    m = g.next() * upper
    if (m & MASK64) < upper:
        t = ((1 << 64) - upper) % upper
        while (m & MASK64) < t:
            m = g.next() * upper
    return m >> 64


def int_in(g: SplitMix64, low: int, high: int) -> int:
    """Swift's `Int.random(in: low..<high, using:)`: low + next(upperBound: high − low)."""
    assert low < high
    return low + next_bounded(g, high - low)


def uniform_unit(g: SplitMix64) -> float:
    """The library's `uniformUnit`: (next() >> 11)·2⁻⁵³ ∈ [0, 1), the top 53 bits."""
    return float(g.next() >> 11) * 2.0**-53


def double_half_open(g: SplitMix64, low: float, high: float) -> float:
    """Swift's `Double.random(in: low..<high, using:)`: the LOW 53 bits of one draw.

    x = (high − low)·((next() & (2⁵³ − 1))·2⁻⁵³) + low; if x rounds to high, draw again.
    """
    while True:
        unit = float(g.next() & ((1 << 53) - 1)) * 2.0**-53
        x = (high - low) * unit + low
        if x != high:
            return x


def double_closed(g: SplitMix64, low: float, high: float) -> float:
    """Swift's `Double.random(in: low...high, using:)`: r = next(upperBound: 2⁵³ + 1).

    r = 2⁵³ returns high exactly; otherwise x = (high − low)·(r·2⁻⁵³) + low (no fused multiply-add).
    """
    r = next_bounded(g, (1 << 53) + 1)
    if r == 1 << 53:
        return high
    return (high - low) * (float(r) * 2.0**-53) + low


def standard_normal(g: SplitMix64) -> float:
    """Box–Muller, cosine branch, two draws: √(−2 ln(1 − U₁))·cos(2π U₂), U = uniform_unit."""
    u1 = 1.0 - uniform_unit(g)
    u2 = uniform_unit(g)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def exponential(g: SplitMix64, rate: float) -> float:
    """`exponentialSample`: −ln(1 − U)/rate."""
    return -math.log(1.0 - uniform_unit(g)) / rate


def uniform_inputs(count: int, dimension: int, low: float, high: float, seed: int) -> list[list[float]]:
    """`uniformInputs`: SplitMix64(seed ^ 0x5EED1A9C0DED0001), column-major, closed-range doubles.

    Returns the K × d matrix as a list of rows.
    """
    g = SplitMix64(seed ^ 0x5EED1A9C0DED0001)
    columns = [[double_closed(g, low, high) for _ in range(count)] for _ in range(dimension)]
    return [[columns[j][i] for j in range(dimension)] for i in range(count)]


def random_subset(g: SplitMix64, n: int, size: int) -> list[int]:
    """`_randomSubset`: partial Fisher–Yates on [0, 1, …, n−1]; step i swaps i with
    j = Int.random(in: i..<n); the first `size` entries, sorted ascending."""
    pool = list(range(n))
    for i in range(size):
        j = int_in(g, i, n)
        pool[i], pool[j] = pool[j], pool[i]
    return sorted(pool[:size])


def latency_times(g: SplitMix64, model: str, n: int) -> list[float]:
    """`LatencyModel.sample(count:)`, worker order, one uniform_unit per worker for the random laws."""
    name, _, rest = model.partition(":")
    name = name.strip()
    if name == "constant":
        return [float(rest)] * n
    if name == "exponential":
        rate = float(rest)
        return [exponential(g, rate) for _ in range(n)]
    if name == "shifted-exponential":
        shift, rate = (float(v) for v in rest.split(","))
        return [shift + exponential(g, rate) for _ in range(n)]
    if name == "pareto":
        scale, shape = (float(v) for v in rest.split(","))
        return [scale * math.pow(1.0 - uniform_unit(g), -1.0 / shape) for _ in range(n)]
    if name == "slow-set":
        workers, _, times = rest.partition("@")
        fast, slow = (float(v) for v in times.split(","))
        slow_set = {int(v) for v in workers.split(",") if v.strip()}
        return [slow if w in slow_set else fast for w in range(n)]
    raise ValueError(f"unknown latency model {model!r}")


def slowest(count: int, times: list[float]) -> list[int]:
    """`LatencyModel.slowest`: stable sort by time (ties: lower index first); last `count`, ascending."""
    order = sorted(range(len(times)), key=lambda w: (times[w], w))
    return sorted(order[len(order) - count:]) if count else []


def straggler_sets(g: SplitMix64, model: str, n: int, s: int, *, probability: float = 0.0,
                   latency: str = "", fixed: list[int] | None = None) -> list[list[int]]:
    """`StragglerModel.stragglerSets`: one set per trial (all N − S + 1 windows for worst-window)."""
    if model == "none":
        return [[]]
    if model == "random":
        return [random_subset(g, n, s)]
    if model == "worst-window":
        return [[]] if s == 0 else [list(range(i, i + s)) for i in range(n - s + 1)]
    if model == "probabilistic":
        return [[w for w in range(n) if double_half_open(g, 0.0, 1.0) < probability]]
    if model == "latency":
        return [slowest(s, latency_times(g, latency, n))]
    if model == "fixed":
        return [sorted(fixed or [])]
    raise ValueError(f"model {model!r} has no simulated draw (arrival depends on real timing)")


def experiment_draws(*, seed: int, workers: int, stragglers: int, model: str = "random",
                     trials: int = 1, output_dimension: int = 1, noise: float = 0.0,
                     adversaries: int = 0, magnitude: float = 100.0, probability: float = 0.0,
                     latency: str = "", fixed: list[int] | None = None,
                     minimum_survivors: int = 0) -> list[dict]:
    """Replays the stream of `runExperiment` for a simulated straggler model (no failing workers).

    One SplitMix64(seed) for the whole experiment; per trial, in this order:
      1. noise: σ·standard_normal for every entry of the N × m results, column-major;
      2. the straggler sets; `probabilistic` redraws (up to 1000 draws) while fewer than
         `minimum_survivors` workers survive (the scheme's canDecode for count codes);
      3. for each set (each window for worst-window): if q > 0, q rows of the |T| received rows
         by random_subset, and for each chosen row in ascending order, for each of its m
         columns, one double_closed(−A, A).
    Returns per trial {"noise": N × m (rows), "sets": [...], "adversaries": [(rows, values)] per set}.
    """
    g = SplitMix64(seed)
    out = []
    for _ in range(trials):
        noise_matrix = [[0.0] * output_dimension for _ in range(workers)]
        if noise > 0:
            for j in range(output_dimension):
                for i in range(workers):
                    noise_matrix[i][j] = noise * standard_normal(g)
        sets = straggler_sets(g, model, workers, stragglers, probability=probability,
                              latency=latency, fixed=fixed)
        if model == "probabilistic":
            attempts = 1
            while workers - len(sets[0]) < minimum_survivors:
                if attempts >= 1000:
                    raise RuntimeError("no decodable probabilistic draw in 1000 attempts")
                sets = straggler_sets(g, model, workers, stragglers, probability=probability)
                attempts += 1
        corrupted = []
        for stragglers_of_set in sets:
            if adversaries > 0:
                rows = random_subset(g, workers - len(stragglers_of_set), adversaries)
                values = [[double_closed(g, -magnitude, magnitude) for _ in range(output_dimension)]
                          for _ in rows]
                corrupted.append((rows, values))
            else:
                corrupted.append(([], []))
        out.append({"noise": noise_matrix, "sets": sets, "adversaries": corrupted})
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="what", required=True)
    i = sub.add_parser("inputs", help="the K × d inputs of --K/--dim/--input-range/--seed")
    i.add_argument("--K", type=int, required=True)
    i.add_argument("--dim", type=int, default=1)
    i.add_argument("--input-range", default="-1:1")
    i.add_argument("--seed", type=int, default=0)
    s = sub.add_parser("stragglers", help="the straggler set of every trial")
    s.add_argument("--workers", type=int, required=True)
    s.add_argument("--stragglers", type=int, default=0)
    s.add_argument("--straggler-model", default="random")
    s.add_argument("--straggle-probability", type=float, default=0.0)
    s.add_argument("--latency", default="")
    s.add_argument("--trials", type=int, default=1)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--noise", type=float, default=0.0)
    s.add_argument("--dim-out", type=int, default=1, help="m, the outputs per worker (for noise)")
    s.add_argument("--adversaries", type=int, default=0)
    s.add_argument("--adversary-magnitude", type=float, default=100.0)
    s.add_argument("--minimum-survivors", type=int, default=0,
                   help="the scheme's minimum (probabilistic redraws below it)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.what == "inputs":
        low, high = (float(v) for v in args.input_range.split(":"))
        rows = uniform_inputs(args.K, args.dim, low, high, args.seed)
        print(",".join(f"x{j}" for j in range(args.dim)))
        for row in rows:
            print(",".join(repr(v) for v in row))
        return 0
    draws = experiment_draws(
        seed=args.seed, workers=args.workers, stragglers=args.stragglers,
        model=args.straggler_model, trials=args.trials, output_dimension=args.dim_out,
        noise=args.noise, adversaries=args.adversaries, magnitude=args.adversary_magnitude,
        probability=args.straggle_probability, latency=args.latency,
        minimum_survivors=args.minimum_survivors)
    print("trial,stragglers")
    for t, trial in enumerate(draws):
        for stragglers_of_set in trial["sets"]:
            print(f"{t},{';'.join(str(w) for w in stragglers_of_set)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
