#!/usr/bin/env python3
"""Plots for `coded blackbox` (Guides/BlackBoxOptimization.md).

  --optimize CSV   (code,latency,iteration,evaluations,seconds,value,decoded from `coded blackbox optimize`)
                   → PREFIX-optimize.png: f against evaluations and against wall seconds,
                     one column per latency law, one line per code
  --dump CSV       (code,image,label,predicted,kind,x0…x63 from `coded blackbox attack --dump`)
                   → PREFIX-attack-grid.png: for each code, rows of originals, perturbations
                     (adversarial − original, symmetric colour scale) and adversarial images,
                     titled true → predicted

Usage: python3 scripts/plot_blackbox.py [--optimize CSV] [--dump CSV] [--prefix notebooks-data/blackbox]
"""
import argparse
import csv
import os
import tempfile
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

COLORS = {"polar": "tab:blue", "mds": "tab:orange", "uncoded": "tab:gray", "replication": "tab:green",
          "gaussian": "tab:red"}


def save(figure, path):
    """Writes the PNG atomically (temporary file in the same directory, then rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(suffix=".png", dir=directory)
    os.close(handle)
    figure.savefig(temporary, dpi=120, bbox_inches="tight")
    os.replace(temporary, path)
    plt.close(figure)


def plot_optimize(path, prefix):
    runs = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            runs[(row["latency"], row["code"])].append(
                (int(row["evaluations"]), float(row["seconds"]), float(row["value"])))
    laws = sorted({law for law, _ in runs})
    figure, axes = plt.subplots(2, len(laws), figsize=(4.5 * len(laws), 7), squeeze=False)
    for column, law in enumerate(laws):
        for (run_law, code), points in sorted(runs.items()):
            if run_law != law:
                continue
            evaluations, seconds, values = zip(*points)
            axes[0][column].plot(evaluations, values, label=code, color=COLORS.get(code))
            axes[1][column].plot(seconds, values, label=code, color=COLORS.get(code))
        axes[0][column].set_title(law)
        axes[0][column].set_xlabel("evaluations of f")
        axes[1][column].set_xlabel("wall seconds")
    axes[0][0].set_ylabel("f(x_t)")
    axes[1][0].set_ylabel("f(x_t)")
    axes[0][0].legend()
    save(figure, prefix + "-optimize.png")


def plot_dump(path, prefix):
    images = defaultdict(dict)
    order = []
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row["code"], int(row["image"]))
            if key not in order:
                order.append(key)
            pixels = np.array([float(row[k]) for k in row if k.startswith("x")])
            side = int(round(len(pixels) ** 0.5))
            images[key][row["kind"]] = pixels.reshape(side, side)
            images[key]["title"] = f'{row["label"]}→{row["predicted"]}'
    codes = list(dict.fromkeys(code for code, _ in order))
    columns = max(sum(1 for c, _ in order if c == code) for code in codes)
    figure, axes = plt.subplots(3 * len(codes), columns, figsize=(1.4 * columns, 1.5 * 3 * len(codes)),
                                squeeze=False)
    for axis in axes.flat:
        axis.axis("off")
    for block, code in enumerate(codes):
        keys = [key for key in order if key[0] == code]
        for column, key in enumerate(keys):
            entry = images[key]
            delta = entry["adversarial"] - entry["original"]
            scale = max(abs(delta).max(), 1e-12)
            axes[3 * block][column].imshow(entry["original"], cmap="gray_r", vmin=0, vmax=1)
            axes[3 * block + 1][column].imshow(delta, cmap="coolwarm", vmin=-scale, vmax=scale)
            axes[3 * block + 2][column].imshow(entry["adversarial"], cmap="gray_r", vmin=0, vmax=1)
            axes[3 * block + 2][column].set_title(entry["title"], fontsize=8)
        axes[3 * block][0].set_title(f"{code}: original / perturbation / adversarial", fontsize=8, loc="left")
    save(figure, prefix + "-attack-grid.png")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--optimize")
    parser.add_argument("--dump")
    parser.add_argument("--prefix", default="notebooks-data/blackbox")
    arguments = parser.parse_args()
    if arguments.optimize:
        plot_optimize(arguments.optimize, arguments.prefix)
    if arguments.dump:
        plot_dump(arguments.dump, arguments.prefix)


if __name__ == "__main__":
    main()
