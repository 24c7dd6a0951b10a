#!/usr/bin/env bash
# The Swift tests (CLI cases included) under AddressSanitizer, in their own build directory so the
# ordinary debug build is untouched. Not part of .ci/run: on the project's 2-core machine the
# sanitized build takes about 4–5 minutes and the tests 2 (the CLI runs are 10–20× slower), which
# does not fit CI's budget beside the normal build. Leak detection is off: swift-argument-parser
# leaves its parsed-argument tables allocated when a command exits, which LeakSanitizer reports
# (and which turns exit code 64 into 1).
# Last run (issue 11 hardening): no AddressSanitizer errors in 189 tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${ASAN_BUILD:-.build-asan}"
swift build --build-tests --sanitize=address --scratch-path "$scratch"
ASAN_OPTIONS=detect_leaks=0 CODED_EXECUTABLE="$scratch/debug/coded" \
  swift test --skip-build --scratch-path "$scratch"
