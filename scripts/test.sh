#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test:
#   1. the suite, warnings as errors (build-test/)
#   2. the sanitizer tree (clang, ASan + UBSan; build-san/, scripts/sanitized_tree.sh): every
#      parser's libFuzzer target for a short run, then the suite again under the sanitizers
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
# Most tests wait on a session clock, a pty or a child process rather than compute (at -j 2 on 2
# cores the plain suite used 51 CPU-s in 106 s): two per core. Under the sanitizers a test runs
# 2-3x slower and the high-speed end-to-end tests' timing margins shrink with it (a replay at 100x
# once drew its last line after the file's end at -j 4): one per core there.
test_jobs=$((2 * jobs))
export CTEST_OUTPUT_ON_FAILURE=1

echo "== build and test (warnings as errors)"
bash scripts/build.sh build-test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPNEUMA_WERROR=ON
ctest --test-dir build-test -j "$test_jobs" --timeout 600

echo "== build the sanitizer tree (clang, ASan + UBSan)"
source scripts/sanitized_tree.sh
configure_sanitized_tree
cmake --build "$san_build" -j "$jobs"

echo "== fuzz every parser briefly (libFuzzer, ASan + UBSan)"
bash scripts/fuzz.sh 5 # a smoke run per target; long runs: FUZZ_RUNS=... (scripts/fuzz.sh)

echo "== the suite under ASan + UBSan"
ctest --test-dir "$san_build" -j "$jobs" --timeout 900
