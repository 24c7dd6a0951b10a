#!/usr/bin/env python3
"""Keeps the numbers in README.md equal to the result files they come from.

README.md marks each generated block with an HTML comment pair:

    <!-- numbers: NAME -->
    ...text that GENERATORS[NAME] makes from notebooks-data/ ...
    <!-- /numbers -->

`python3 scripts/check_readme_numbers.py` regenerates every block from the current CSV files and
exits 1 with a diff when the README differs (CI runs it through scripts/tests); `--write`
rewrites the blocks in place. A block named in the README but unknown here is an error, and so is
a generator whose source rows are missing, so neither a stale number nor a stale marker passes.

What is covered: the tables between markers — the main job, the decay slopes, the LT latency
table, the parity-model table and the polar job-time table. Numbers in running prose, the speed
tables (machine- and load-dependent), the coded-inference and black-box tables are not yet.
"""
import argparse
import csv
import difflib
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "notebooks-data")
BLOCK = re.compile(r"(<!-- numbers: ([a-z0-9-]+) -->\n)(.*?)(<!-- /numbers -->)", re.S)


def rows(name):
    with open(os.path.join(DATA, name), newline="") as handle:
        return list(csv.DictReader(handle))


def sci(value):
    """1 significant decimal in the README's style: 4.9e-1, 1.4e1, 2.0e-9."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def signed(value, digits):
    """A number with a typographic minus: −6.47."""
    text = f"{value:.{digits}f}"
    return text.replace("-", "\u2212")


def main_job():
    """The main job's table, from notebooks-data/main-job.csv: the README's main-job command with
    `--output notebooks-data/main-job.csv` (one seed, 0)."""
    table = {(int(r["N"]), r["scheme"]): float(r["mse"]) for r in rows("main-job.csv")}
    ns = sorted({n for n, _ in table})
    if not ns:
        raise SystemExit("main-job: notebooks-data/main-job.csv has no rows")
    lines = ["| N | LeTCC | BACC | LCC |", "|---|---|---|---|"]
    for n in ns:
        cells = [sci(table[(n, s)]) if (n, s) in table else "—" for s in ("letcc", "bacc", "lcc")]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def slope_cell(found, key):
    r = found.get(key)
    if r is None:
        raise SystemExit(f"decay-slopes: no slopes.csv row for {key}")
    return (f"{signed(float(r['slope']), 2)} [{signed(float(r['ci_low']), 2)}, "
            f"{signed(float(r['ci_high']), 2)}]")


def decay_slopes():
    """The slope table: fits on N = 80–640 (per-seed t intervals), Byzantine on N = 20–640."""
    found = {}
    for r in rows("slopes.csv"):
        if r["function"] != "xsinx" or r["dim"] != "1" or r["method"] != "per-seed-t":
            continue
        key = (r["experiment"], r["scheme"], r["straggler_model"], r["decoder_lambda"], r["p"],
               r["adversary_exponent"], r["encoder_lambda"], r["x_range"], r["log_power"])
        found[key] = r

    def k(experiment, scheme, model, lam="0.0", p="", a="", enc="0.0", rng="80-640", power="0"):
        return (experiment, scheme, model, lam, p, a, enc, rng, power)

    nl, ny, pr = "n-sweep-noiseless", "n-sweep-noisy", "probabilistic"
    lines = [
        "| experiment (`xsinx`) | LeTCC slope | BACC slope | paper's claim |",
        "|---|---|---|---|",
        f"| noiseless, worst-window S = 5 | {slope_cell(found, k(nl, 'letcc', 'worst-window'))} | "
        f"{slope_cell(found, k(nl, 'bacc', 'worst-window'))} | LeTCC O(S³N⁻³) (NeurIPS: S⁴N⁻³) |",
        f"| noiseless, random S = 5 | {slope_cell(found, k(nl, 'letcc', 'random'))} | "
        f"{slope_cell(found, k(nl, 'bacc', 'random'))} | same |",
        f"| noise σ = 0.01, random, λ_dec optimal / gcv | "
        f"{slope_cell(found, k(ny, 'letcc', 'random', 'optimal'))} / "
        f"{slope_cell(found, k(ny, 'letcc', 'random', 'gcv'))} | "
        f"{slope_cell(found, k(ny, 'bacc', 'random'))} (stalls near σ²) | LeTCC O(S^{{8/5}}N^{{−3/5}}) |",
        f"| noise σ = 0.01, worst-window, λ_dec optimal | "
        f"{slope_cell(found, k(ny, 'letcc', 'worst-window', 'optimal'))} | "
        f"{slope_cell(found, k(ny, 'bacc', 'worst-window'))} | same |",
        f"| probabilistic p = 0.1 (fit of MSE/log³N, MSE/log⁴N) | "
        f"{slope_cell(found, k(pr, 'letcc', 'probabilistic', p='0.1', power='3'))} | "
        f"{slope_cell(found, k(pr, 'bacc', 'probabilistic', p='0.1', power='4'))} | "
        f"log³N·N⁻³ (LeTCC), log⁴N·N⁻² (BACC) |",
        f"| probabilistic p = 0.3 (same) | "
        f"{slope_cell(found, k(pr, 'letcc', 'probabilistic', p='0.3', power='3'))} | "
        f"{slope_cell(found, k(pr, 'bacc', 'probabilistic', p='0.3', power='4'))} | same |",
    ]
    byz = [found.get(k("byzantine", "letcc", "none", "best", a=a, rng="20-640"))
           for a in ("0.0", "0.25", "0.5")]
    if None in byz:
        raise SystemExit("decay-slopes: missing Byzantine slopes in slopes.csv")
    byz_text = " / ".join(signed(float(r["slope"]), 2) for r in byz)
    lines.append(f"| Byzantine q = ⌈N^a⌉, best λ per N, a = 0 / 0.25 / 0.5 (N = 20–640) | "
                 f"{byz_text} | — | N^{{6/5(a−1)}}: −1.2 / −0.9 / −0.6 |")
    return "\n".join(lines) + "\n"


def parity_models():
    """The parity-model table, from notebooks-data/parity-models.csv through the same function
    that writes notebooks-data/parity-models-table.md (scripts/plot_parity.py)."""
    import plot_parity  # noqa: PLC0415 (matplotlib is only needed when this block is present)

    rows_ = rows("parity-models.csv")
    if not rows_:
        raise SystemExit("parity-models: notebooks-data/parity-models.csv has no rows")
    return plot_parity.table(rows_)


def lt_latency():
    """The LT latency table, from notebooks-data/lt-latency.csv (sum recovery, both laws); the
    rateless row in bold."""
    labels = [("one", "one worker"), ("uncoded", "uncoded"), ("replication:2", "replication:2"),
              ("replication:4", "replication:4"), ("lt1", "LT-1, 2 symbols/worker"),
              ("ltr:2", "LT-2, 1 symbol/worker"), ("rateless", "rateless LT")]
    found = {(r["law_name"], r["strategy"]): r for r in rows("lt-latency.csv") if r["mode"] == "sum"}

    def number(value):
        v = float(value)
        return f"{v:.0f}" if v >= 1000 else f"{v:.1f}" if v >= 100 else f"{v:.2f}"

    lines = ["| strategy | Exp(mean 5): mean | median | p90 | p99 | Pareto(1, 1): mean | median | p90 | p99 |",
             "|---|---|---|---|---|---|---|---|---|"]
    for strategy, label in labels:
        cells = []
        for law in ("exp5", "pareto11"):
            r = found.get((law, strategy))
            if r is None:
                raise SystemExit(f"lt-latency: no sum-mode row for {law} {strategy}")
            for column in ("mean", "median", "p90", "p99"):
                text = number(r[column])
                cells.append(f"**{text}**" if strategy == "rateless" else text)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def polar_job_time():
    """The polar job-time table (mean / p99, 3 significant digits), from
    notebooks-data/polar-job-time.csv."""
    found = {(r["latency"], r["scheme"]): r for r in rows("polar-job-time.csv")}

    def cell(law, scheme):
        r = found.get((law, scheme))
        if r is None:
            raise SystemExit(f"polar-job-time: no row for {law} {scheme}")
        return f"{float(r['mean_job_time']):#.3g} / {float(r['p99_job_time']):#.3g}"

    lines = ["| law | polar job time mean / p99 | MDS | uncoded (512 workers) | replication ×2 |",
             "|---|---|---|---|---|"]
    for law in ("exponential:1", "pareto:1,2.5"):
        lines.append(f"| {law} | " + " | ".join(
            cell(law, s) for s in ("polar", "mds", "uncoded", "replication")) + " |")
    return "\n".join(lines) + "\n"


GENERATORS = {"polar-job-time": polar_job_time, "main-job": main_job, "decay-slopes": decay_slopes, "parity-models": parity_models,
              "lt-latency": lt_latency}


def regenerate(text):
    """The README with every block regenerated, and the names of the blocks seen."""
    seen = []

    def replace(match):
        name = match.group(2)
        if name not in GENERATORS:
            raise SystemExit(f"README block '{name}' has no generator in {__file__}")
        seen.append(name)
        return match.group(1) + GENERATORS[name]() + match.group(4)

    return BLOCK.sub(replace, text), seen


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    parser.add_argument("--write", action="store_true", help="rewrite the blocks in place")
    args = parser.parse_args(argv)
    with open(args.readme, encoding="utf-8") as handle:
        text = handle.read()
    fresh, seen = regenerate(text)
    if not seen:
        print(f"error: {args.readme} has no <!-- numbers: NAME --> blocks", file=sys.stderr)
        return 1
    if args.write:
        if fresh != text:
            with open(args.readme, "w", encoding="utf-8") as handle:
                handle.write(fresh)
        print(f"wrote {len(seen)} blocks: {', '.join(seen)}")
        return 0
    if fresh != text:
        diff = difflib.unified_diff(text.splitlines(), fresh.splitlines(), "README.md",
                                    "regenerated", lineterm="", n=0)
        print("\n".join(diff))
        print(f"error: README numbers differ from notebooks-data (run {os.path.relpath(__file__, ROOT)} --write)",
              file=sys.stderr)
        return 1
    print(f"README numbers match notebooks-data: {len(seen)} blocks ({', '.join(seen)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
