#!/usr/bin/env python3
"""Plots and a Table-1-style markdown table from `coded infer` CSV output.

Reads notebooks-data/coded-inference.csv (the default grid, see Guides/CodedInference.md) and writes
  notebooks-data/coded-inference-rmse.png      RMSE of the decoded logits vs N, per model and K
  notebooks-data/coded-inference-relacc.png    relative accuracy vs N, per model and K
  notebooks-data/coded-inference-smoothness.png  RMSE vs N at S = 0: ReLU vs smooth networks
  notebooks-data/coded-inference-table.md      a Table-1-style table (LeTCC vs BACC vs replication)
                                               and the fitted convergence rates

Usage: python3 scripts/plot_inference.py [--input CSV] [--prefix notebooks-data/coded-inference]
       [--table-shapes 10:20:4,10:100:20,20:40:8,20:200:40]
"""
import argparse
import csv
import os
import sys
import tempfile
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

COLORS = {"letcc": "tab:blue", "bacc": "tab:orange", "replication": "tab:green", "uncoded": "tab:gray", "lcc": "tab:red"}
STYLES = ["-", "--", ":", "-."]


def read(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for key in ("K", "N", "S"):
            r[key] = int(r[key])
        for key in ("rmse", "relative_accuracy", "test_accuracy", "decoded_accuracy", "own_accuracy", "logit_rms",
                    "encode_seconds", "compute_seconds", "decode_seconds"):
            r[key] = float(r[key])
    return rows


def save_atomically(fig, path):
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".png")
    os.close(fd)
    fig.savefig(tmp, dpi=110, format="png")
    os.replace(tmp, path)


def plot(rows, metric, ylabel, path, log_y):
    models = sorted({r["model"] for r in rows})
    ks = sorted({r["K"] for r in rows})
    fig, axes = plt.subplots(len(models), len(ks), figsize=(5 * len(ks), 3.2 * len(models)), squeeze=False)
    for i, model in enumerate(models):
        for j, k in enumerate(ks):
            ax = axes[i][j]
            subset = [r for r in rows if r["model"] == model and r["K"] == k]
            fractions = sorted({round(r["S"] / r["N"], 2) for r in subset})
            series = defaultdict(list)
            for r in subset:
                series[(r["scheme"], round(r["S"] / r["N"], 2))].append((r["N"], r[metric]))
            for (scheme, fraction), points in sorted(series.items()):
                points.sort()
                style = STYLES[fractions.index(fraction) % len(STYLES)]
                ys = [max(y, 1e-17) for _, y in points] if log_y else [y for _, y in points]
                ax.plot([x for x, _ in points], ys, style, marker="o", ms=3, color=COLORS.get(scheme, "black"),
                        label=f"{scheme}, S={fraction:g}N")
            acc = subset[0]["test_accuracy"] if subset else float("nan")
            ax.set_title(f"{model} (test acc. {acc:.3f}), K={k}", fontsize=9)
            ax.set_xscale("log")
            if log_y:
                ax.set_yscale("log")
            ax.set_xlabel("N")
            ax.set_ylabel(ylabel)
            ax.grid(True, which="both", alpha=0.3)
            if i == 0 and j == len(ks) - 1:
                ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    save_atomically(fig, path)
    plt.close(fig)


def smoothness(rows, path):
    """RMSE vs N at S = 0 for every model, LeTCC and BACC side by side: ReLU (dashed) vs smooth (solid)."""
    ks = sorted({r["K"] for r in rows})
    schemes = [s for s in ("letcc", "bacc") if any(r["scheme"] == s for r in rows)]
    fig, axes = plt.subplots(len(ks), len(schemes), figsize=(5.5 * len(schemes), 3.6 * len(ks)), squeeze=False)
    models = sorted({r["model"] for r in rows})
    cmap = plt.get_cmap("tab10")
    for i, k in enumerate(ks):
        for j, scheme in enumerate(schemes):
            ax = axes[i][j]
            for c, model in enumerate(models):
                pts = sorted((r["N"], r["rmse"]) for r in rows
                             if r["model"] == model and r["scheme"] == scheme and r["K"] == k and r["S"] == 0)
                if not pts:
                    continue
                smooth = next(r["smooth"] for r in rows if r["model"] == model) == "1"
                ax.plot([p[0] for p in pts], [p[1] for p in pts], "-" if smooth else "--", marker="o", ms=3,
                        color=cmap(c), label=model)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"{scheme}, K={k}, S=0 (dashed: ReLU)", fontsize=9)
            ax.set_xlabel("N")
            ax.set_ylabel("RMSE of decoded logits")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=6)
    fig.tight_layout()
    save_atomically(fig, path)
    plt.close(fig)


def table(rows, shapes):
    models = sorted({r["model"] for r in rows}, key=lambda m: (m.split("-")[0], m))
    schemes = [s for s in ("letcc", "bacc", "replication") if any(r["scheme"] == s for r in rows)]
    index = {(r["model"], r["scheme"], r["K"], r["N"], r["S"]): r for r in rows}
    header = "| model (test acc.) | (N, K, S) | " + " | ".join(
        f"{s} RMSE | {s} RelAcc" for s in schemes) + " |"
    lines = [header, "|" + "---|" * (2 + 2 * len(schemes))]
    for model in models:
        for (k, n, s) in shapes:
            cells = []
            found = False
            for scheme in schemes:
                r = index.get((model, scheme, k, n, s))
                if r is None:
                    cells += ["–", "–"]
                else:
                    found = True
                    cells += [f"{r['rmse']:.3g}", f"{r['relative_accuracy']:.3f}"]
            if found:
                acc = next(r["test_accuracy"] for r in rows if r["model"] == model)
                lines.append(f"| {model} ({acc:.3f}) | ({n}, {k}, {s}) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def rates(rows):
    """Least-squares slope of log RMSE against log N at S = 0, per model, scheme and K (N >= 5K)."""
    import math
    groups = defaultdict(list)
    for r in rows:
        if r["S"] == 0 and r["N"] >= 5 * r["K"] and r["rmse"] > 1e-12:
            groups[(r["model"], r["scheme"], r["K"])].append((math.log(r["N"]), math.log(r["rmse"])))
    lines = ["| model | scheme | K | slope of log RMSE vs log N (S = 0, N ≥ 5K) |", "|---|---|---|---|"]
    for (model, scheme, k), points in sorted(groups.items()):
        if len(points) < 2:
            continue
        mx = sum(x for x, _ in points) / len(points)
        my = sum(y for _, y in points) / len(points)
        slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
        lines.append(f"| {model} | {scheme} | {k} | {slope:.2f} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default="notebooks-data/coded-inference.csv")
    parser.add_argument("--prefix", default="notebooks-data/coded-inference")
    parser.add_argument("--table-shapes", default="10:20:4,10:50:10,10:100:20,20:40:8,20:100:20,20:200:40",
                        help="K:N:S triples, comma-separated")
    args = parser.parse_args()
    rows = read(args.input)
    if not rows:
        print(f"error: {args.input} has no rows", file=sys.stderr)
        return 1
    plot(rows, "rmse", "RMSE of decoded logits", args.prefix + "-rmse.png", log_y=True)
    plot(rows, "relative_accuracy", "relative accuracy", args.prefix + "-relacc.png", log_y=False)
    smoothness(rows, args.prefix + "-smoothness.png")
    shapes = [tuple(int(v) for v in t.split(":")) for t in args.table_shapes.split(",")]
    text = table(rows, shapes) + "\n" + rates(rows)
    with open(args.prefix + "-table.md", "w") as f:
        f.write(text)
    try:
        print(text)
    except BrokenPipeError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
