#!/usr/bin/env python3
"""Plot and tabulate notebooks-data/parity-models.csv (written by scripts/train_parity_models.sh).

Writes notebooks-data/parity-models.png (degraded-mode accuracy per model, k and scheme) and
notebooks-data/parity-models-table.md (the README table). Usage: python3 scripts/plot_parity.py
"""
import csv
import os
import sys
from collections import OrderedDict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "notebooks-data")


def load(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def table(rows):
    """One line per (model, k): base accuracy and every scheme's degraded accuracy."""
    models = OrderedDict()
    for row in rows:
        key = (row["model"].replace("digits-", ""), int(row["k"]))
        entry = models.setdefault(key, {"base": float(row["base_accuracy"])})
        scheme = row["scheme"]
        if scheme == "parity":
            scheme = "parity-" + row["encoder"]
        entry[scheme] = float(row["degraded_accuracy"])
        if scheme.startswith("parity-"):
            entry["train-" + row["encoder"]] = float(row["train_seconds"])
        if scheme == "learned":
            entry["train-learned"] = float(row["learned_train_seconds"])
    columns = ["parity-sum", "parity-concat", "learned", "letcc", "bacc", "default"]
    lines = [
        "| model | k | base acc. | parity sum | parity concat | learned | LeTCC | BACC | replication | default | margin parity-sum − default | parity-sum train s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (model, k), entry in sorted(models.items(), key=lambda item: (item[0][1], item[0][0])):
        def cell(name):
            return f"{entry[name]:.3f}" if name in entry else "—"
        redundancy = f"{(k + 1) / k:.2f}×"
        margin = entry.get("parity-sum", float("nan")) - entry.get("default", float("nan"))
        lines.append(
            f"| {model} | {k} | {entry['base']:.3f} | "
            + " | ".join(cell(c) for c in columns[:5])
            + f" | {entry['base']:.3f} (2×) | {cell('default')} | {margin:+.3f} | {entry.get('train-sum', float('nan')):.1f} |"
        )
    lines.append("")
    lines.append(
        f"Redundancy: parity, learned, LeTCC and BACC use k + 1 workers per k queries ((k+1)/k: 1.50× at k = 2, 1.25× at k = 4); replication 2× (its degraded accuracy is the base accuracy); default 1×."
    )
    return "\n".join(lines) + "\n"


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = sorted({row["model"] for row in rows})
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True)
    schemes = ["parity-sum", "parity-concat", "learned", "letcc", "bacc", "replication", "default"]
    colors = ["#1f77b4", "#aec7e8", "#9467bd", "#2ca02c", "#ff7f0e", "#7f7f7f", "#d62728"]
    for axis, k in zip(axes, (2, 4)):
        width = 0.8 / len(schemes)
        for s_index, scheme in enumerate(schemes):
            values = []
            for model in models:
                value = None
                for row in rows:
                    if row["model"] != model or int(row["k"]) != k:
                        continue
                    name = "parity-" + row["encoder"] if row["scheme"] == "parity" else row["scheme"]
                    if name == scheme:
                        value = float(row["degraded_accuracy"])
                values.append(value if value is not None else 0.0)
            xs = [i + (s_index - len(schemes) / 2 + 0.5) * width for i in range(len(models))]
            axis.bar(xs, values, width, label=scheme, color=colors[s_index])
        axis.set_xticks(range(len(models)))
        axis.set_xticklabels([m.replace("digits-", "") for m in models], rotation=20)
        axis.set_title(f"k = {k}: one of k + 1 workers lost (replication: 2k workers)")
        axis.set_ylim(0, 1.02)
        axis.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("degraded-mode accuracy (digits test set)")
    axes[1].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    rows = load(os.path.join(DATA, "parity-models.csv"))
    text = table(rows)
    with open(os.path.join(DATA, "parity-models-table.md"), "w") as handle:
        handle.write(text)
    sys.stdout.write(text)
    plot(rows, os.path.join(DATA, "parity-models.png"))


if __name__ == "__main__":
    main()
