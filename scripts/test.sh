#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test:
#   1. the suite, warnings as errors (build-test/)
#   2. every parser's libFuzzer target for a short run (clang, ASan + UBSan; build-fuzz/)
#   3. the suite again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1

echo "== build and test (warnings as errors)"
bash scripts/build.sh build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPNEUMA_WERROR=ON
ctest --test-dir build-test -j "$jobs" --timeout 600

if [ -d tests/fuzz ] && ls tests/fuzz/*.cpp >/dev/null 2>&1; then
  echo "== fuzz every parser briefly (libFuzzer, ASan + UBSan)"
  bash scripts/fuzz.sh 5 # a smoke run per target (13 targets); long runs: FUZZ_RUNS=... (scripts/fuzz.sh)
fi

echo "== build and test under ASan + UBSan"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1" \
  -DPNEUMA_SANITIZE=ON -DPNEUMA_WERROR=ON -DPNEUMA_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j "$jobs" --timeout 900

