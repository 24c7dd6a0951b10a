#!/usr/bin/env python3
"""Export the data sets that scikit-learn ships offline for the coded-inference study.

Writes, for each data set, notebooks-data/<name>/{train,test}.csv and a README.txt recording the
split. CSV layout: a header `label,x0,x1,...`, one sample per row, the integer class first.

* digits: scikit-learn's handwritten digits (1 797 images, 8×8, 10 classes; UCI "optdigits"
  test part). Pixels are integers 0..16 in the source; we divide by 16 so every pixel is in
  [0, 1]. Feature j is pixel (j // 8, j % 8), row-major, exactly `load_digits().data[:, j] / 16`.
* wine: scikit-learn's wine recognition data (178 samples, 13 features, 3 classes). Features are
  standardised with the *training* mean and standard deviation (population, ddof = 0).

The split is stratified `train_test_split(test_size=0.25, random_state=SEED, stratify=y)`, so it is
fixed and reproducible. No downloads: both sets ship inside the scikit-learn wheel.

Usage: python3 scripts/export_digits.py [--output notebooks-data] [--seed 0]
"""
import argparse
import os
import sys
import tempfile

import numpy as np
from sklearn.datasets import load_digits, load_wine
from sklearn.model_selection import train_test_split


def write_csv_atomically(path, labels, features, fmt):
    header = "label," + ",".join(f"x{j}" for j in range(features.shape[1]))
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".csv")
    with os.fdopen(fd, "w") as f:
        f.write(header + "\n")
        for label, row in zip(labels, features):
            f.write(str(int(label)) + "," + ",".join(fmt(v) for v in row) + "\n")
    os.replace(tmp, path)


def export(name, x, y, out_dir, seed, transform_note, standardise):
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.25, random_state=seed, stratify=y)
    if standardise:
        mean = x_train.mean(axis=0)
        std = x_train.std(axis=0)
        x_train = (x_train - mean) / std
        x_test = (x_test - mean) / std
        fmt = lambda v: repr(float(v))
    else:
        fmt = lambda v: repr(float(v))
    directory = os.path.join(out_dir, name)
    os.makedirs(directory, exist_ok=True)
    write_csv_atomically(os.path.join(directory, "train.csv"), y_train, x_train, fmt)
    write_csv_atomically(os.path.join(directory, "test.csv"), y_test, x_test, fmt)
    with open(os.path.join(directory, "README.txt"), "w") as f:
        f.write(
            f"{name}: exported by scripts/export_digits.py from scikit-learn "
            f"{__import__('sklearn').__version__}\n"
            f"split: train_test_split(test_size=0.25, random_state={seed}, stratify=y)\n"
            f"train: {len(y_train)} samples, test: {len(y_test)} samples, "
            f"{x.shape[1]} features, {len(np.unique(y))} classes\n"
            f"features: {transform_note}\n"
            "layout: header label,x0,...; one sample per row; integer class first\n")
    print(f"{name}: {len(y_train)} train, {len(y_test)} test -> {directory}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="notebooks-data")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    digits = load_digits()
    export("digits", digits.data / 16.0, digits.target, args.output, args.seed,
           "pixel / 16, in [0, 1]; x(8*r + c) is pixel (r, c)", standardise=False)
    wine = load_wine()
    export("wine", wine.data, wine.target, args.output, args.seed,
           "standardised with the training mean and std (ddof = 0)", standardise=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
