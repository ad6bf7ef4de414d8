#!/usr/bin/env bash
# Builds every libFuzzer target (tests/fuzz/fuzz_*.cpp: each parser, the clock map and the PMD
# start sequence, fuzz_pmd_sequence) with clang (ASan + UBSan) in build-fuzz/ and runs each
# for SECONDS seconds (default 20). Exits non-zero when a target crashes; the crashing input is
# left in build-fuzz/crashes/<target>/.
#   bash scripts/fuzz.sh 20      # CI
#   bash scripts/fuzz.sh 600     # a longer run (see README)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac
build=build-fuzz
san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$san" \
  -DPNEUMA_FUZZ=ON -DPNEUMA_BUILD_TESTS=OFF -DPNEUMA_BUILD_BENCH=OFF >/dev/null
ninja -C "$build" pneuma_fuzz_all

status=0
for source in tests/fuzz/fuzz_*.cpp; do
  name=$(basename "$source" .cpp)
  seeds=tests/fuzz/corpus/${name#fuzz_}
  corpus=$build/corpus/$name
  crashes=$build/crashes/$name
  mkdir -p "$corpus" "$crashes"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
  echo "== $name: ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/$name" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
      -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" 2>"$build/$name.log"; then
    tail -n 40 "$build/$name.log" >&2
    echo "fuzz.sh: $name crashed; input saved in $crashes/" >&2
    status=1
  else
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$build/$name.log" | tail -n 2 || true
  fi
done
exit $status
