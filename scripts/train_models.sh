#!/usr/bin/env bash
# Re-creates the committed weight files notebooks-data/models/digits-*.json with `coded train`
# Deterministic for a given machine state: same seed, data, OpenBLAS core and activation kernels →
# the same weights bit for bit (one BLAS thread). What a rerun gives, checked on 2026-12-01 against
# the committed files (FNV checksums in each file):
#   - ReLU and GELU models: identical bit for bit with OPENBLAS_CORETYPE=SkylakeX, the kernels the
#     committed files were made with. With other cores the GEMM rounding differs (Haswell: weights
#     within 2.3e-15 of the committed ones; Prescott: different again), so run
#     `OPENBLAS_CORETYPE=SkylakeX scripts/train_models.sh` on an AVX-512 CPU to reproduce them.
#   - tanh models: not bit for bit, even with SkylakeX — the library's vectorised tanh (within 2 ulp
#     of glibc, Guides/BLAS.md) replaced glibc's tanh after these files were trained, so the last
#     bits of every activation, and hence of the weights, differ. Accuracies are unchanged.
# Usage: scripts/train_models.sh [path/to/coded]   (default: .build/release/coded)
set -euo pipefail
CODED=${1:-.build/release/coded}
cd "$(dirname "$0")/.."
[ -f notebooks-data/digits/train.csv ] || python3 scripts/export_digits.py
for model in lenet mlp; do
  for activation in relu tanh gelu; do
    "$CODED" train --model "$model" --activation "$activation" --data notebooks-data/digits \
      --epochs 40 --learning-rate 0.003 --seed 0 --output "notebooks-data/models/digits-$model-$activation.json" \
      2>/dev/null
  done
done
# The second data set (scikit-learn's wine, 13 standardised features, 3 classes): small MLPs.
for activation in relu tanh; do
  "$CODED" train --model mlp --activation "$activation" --hidden 16 --data notebooks-data/wine \
    --epochs 100 --learning-rate 0.003 --seed 0 --output "notebooks-data/models/wine-mlp-$activation.json" 2>/dev/null
done
