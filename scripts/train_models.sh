#!/usr/bin/env bash
# Re-creates the committed weight files notebooks-data/models/digits-*.json with `coded train`
# (deterministic: same seed, same data → the same weights bit for bit; one BLAS thread).
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
