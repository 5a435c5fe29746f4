#!/usr/bin/env bash
# Sets up a Debian machine and runs vigil's whole test suite:
#   1. installs the build and test packages (idempotent),
#   2. builds everything and runs unit, fuzz-corpus and end-to-end tests (ctest),
#   3. rebuilds the unit tests with AddressSanitizer + UndefinedBehaviorSanitizer and runs them.
# End-to-end tests that need root, BTF or runsc skip with a message when those are missing.
# Usage: scripts/test.sh [--no-asan] [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

asan=1
if [ "${1:-}" = "--no-asan" ]; then
  asan=0
  shift
fi

scripts/deps.sh --tests

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

status=0
echo "== vigil: unit, fuzz-corpus and end-to-end tests =="
(cd build && ctest --output-on-failure "$@") || status=1

if [ "$asan" = 1 ]; then
  echo "== vigil: unit tests under ASan+UBSan =="
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON -DVIGIL_BPF=OFF >/dev/null
  cmake --build build-asan -j"$jobs"
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -L 'unit|fuzz') || status=1
fi
exit $status
