#!/bin/bash
# The encoder λ that `--encoder-lambda gcv` chooses in the encoder experiment (Guides/LeTCC.md,
# "Encoder λ choices"): xsinx, K = 10, inputs uniform on [−1, 1] from the seed, worst-window S = 5,
# N = 20 (the encoder fit depends only on the K inputs, not on N), seeds 0–4 as in encoder.csv.
# One row per seed in notebooks-data/encoder-gcv-lambda.csv (`encoder_lambda_used`, `mse`).
# Usage: bash scripts/encoder_gcv_lambda.sh [coded binary]   (a few seconds in a debug build)
set -euo pipefail
coded=${1:-.build/debug/coded}
out=notebooks-data/encoder-gcv-lambda.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for seed in 0 1 2 3 4; do
  "$coded" sweep --scheme letcc --function xsinx --K 10 --dim 1 --input-range=-1:1 --workers 20 \
    --stragglers 5 --straggler-model worst-window --nodes chebyshev --encoder-lambda gcv \
    --decoder-lambda 0 --noise 0 --trials 1 --seed "$seed" --format csv \
    --output "$tmp/seed-$seed.csv" 2>/dev/null
done
{ head -n 1 "$tmp/seed-0.csv"; for seed in 0 1 2 3 4; do tail -n +2 "$tmp/seed-$seed.csv"; done; } \
  > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
