#!/usr/bin/env bash
# Builds the DocC documentation of the CodedComputing library and fails on any warning (a broken
# ``symbol`` link, a documented parameter that does not exist, an undocumented one in a
# `- Parameters:` list, ...). Usage: bash scripts/check_docs.sh [extra generate-documentation flags]
# The archive lands in .build/plugins/Swift-DocC/outputs/CodedComputing.doccarchive.
set -uo pipefail
cd "$(dirname "$0")/.."

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
swift package generate-documentation --target CodedComputing "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "check_docs: generate-documentation failed (exit $status)" >&2
  exit "$status"
fi
warnings=$(grep -cE '(^|[^a-z])(warning|error): ' "$log" || true)
if [ "$warnings" -ne 0 ]; then
  echo "check_docs: $warnings warning(s) or error(s) in the documentation build:" >&2
  grep -E -A3 '(^|[^a-z])(warning|error): ' "$log" >&2
  exit 1
fi
echo "check_docs: documentation built with 0 warnings"
