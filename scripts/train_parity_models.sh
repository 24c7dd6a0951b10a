#!/usr/bin/env bash
# Trains the parity models (issue 16) for every digits model in notebooks-data/models/ and the
# learned codes (k = 2), then evaluates each in the same run, so training time and time per query
# are measured together. Deterministic: same seed, same data → the same weights bit for bit.
#   BASENAME.parity-k2-sum.json, .parity-k2-concat.json, .parity-k4-sum.json, .parity-k4-concat.json
#   BASENAME.learned-k2.encoder.json + BASENAME.learned-k2.decoder.json
# Writes notebooks-data/parity-models.csv (one row per model × parity file × scheme).
# Usage: scripts/train_parity_models.sh [path/to/coded]   (default: .build/release/coded)
set -euo pipefail
CODED=${1:-.build/release/coded}
cd "$(dirname "$0")/.."
EPOCHS=200
OUT=notebooks-data/parity-models.csv
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
echo "model,parity_file,encoder,train_seconds,learned_train_seconds,scheme,k,workers,redundancy,base_accuracy,degraded_accuracy,rmse,seconds_per_query" >"$TMP"
for base in notebooks-data/models/digits-*.json; do
  case "$base" in *.parity-*|*.learned-*) continue ;; esac
  name=$(basename "$base" .json)
  enc=notebooks-data/models/$name.learned-k2.encoder.json
  dec=notebooks-data/models/$name.learned-k2.decoder.json
  learned_seconds=$("$CODED" parity learn --model "$base" --k 2 --epochs $EPOCHS --seed 0 \
    --output-encoder "$enc" --output-decoder "$dec" 2>/dev/null | tail -1 | cut -d, -f8)
  for spec in 2:sum 2:concat 4:sum 4:concat; do
    k=${spec%%:*}; encoder=${spec##*:}
    parity=notebooks-data/models/$name.parity-k$k-$encoder.json
    seconds=$("$CODED" parity train --model "$base" --k "$k" --encoder "$encoder" --epochs $EPOCHS \
      --seed 0 --output "$parity" 2>/dev/null | tail -1 | cut -d, -f9)
    learned_args=()
    if [ "$k" = 2 ] && [ "$encoder" = sum ]; then
      learned_args=(--learned-encoder "$enc" --learned-decoder "$dec")
    fi
    "$CODED" parity evaluate --model "$base" --parity "$parity" --k "$k" "${learned_args[@]}" |
      tail -n +2 | while IFS=, read -r scheme kk workers base_acc degraded rmse spq; do
        ls=""; [ "$scheme" = learned ] && ls=$learned_seconds
        red=$(python3 -c "print($workers/$kk)")
        echo "$name,$(basename "$parity"),$encoder,$seconds,$ls,$scheme,$kk,$workers,$red,$base_acc,$degraded,$rmse,$spq"
      done >>"$TMP"
    echo "$name k=$k $encoder: trained in ${seconds}s" >&2
  done
done
mv "$TMP" "$OUT"
chmod 644 "$OUT"
trap - EXIT
echo "wrote $OUT" >&2
