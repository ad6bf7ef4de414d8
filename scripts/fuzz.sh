#!/usr/bin/env bash
# Builds every libFuzzer target (tests/fuzz/fuzz_*.cpp: each parser, the clock map, the live
# breathing stream fed a broken link's values, the PMD
# start sequence, and every file reader: CSV, RR files, EDF through Pneuma's reader and through
# the repair, the home-plan JSON, the SESSION argument) in the sanitizer tree build-san/ (clang,
# ASan + UBSan: scripts/sanitized_tree.sh) and runs each for SECONDS seconds (default 20). Exits
# non-zero when a target crashes; the crashing input is left in build-san/crashes/<target>/.
#   bash scripts/fuzz.sh 5                       # CI (scripts/test.sh)
#   bash scripts/fuzz.sh 600                     # a longer run (see README)
#   FUZZ_RUNS=10000000 bash scripts/fuzz.sh 0 csv   # one target, a number of executions
# An optional second argument runs only the targets whose name contains it. Targets run one per
# core at a time (FUZZ_PARALLEL=1: one at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
only=${2:-}
runs=${FUZZ_RUNS:-}
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac
case "$runs" in *[!0-9]*) echo "fuzz.sh: FUZZ_RUNS must be a whole number" >&2; exit 2 ;; esac
source scripts/sanitized_tree.sh
build=$san_build
configure_sanitized_tree
ninja -C "$build" pneuma_fuzz_all

# One target per core at a time: each libFuzzer run is single-threaded, so on 2 cores two
# 5-s runs take the wall time of one. Each run's summary is printed in target order at the end.
parallel=${FUZZ_PARALLEL:-$(nproc)}
fuzz_one() { # NAME: runs one target; its summary on stdout, the crash report on stderr
  local name=$1
  local seeds=tests/fuzz/corpus/${name#fuzz_}
  local corpus=$build/corpus/$name
  local crashes=$build/crashes/$name
  mkdir -p "$corpus" "$crashes"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
  # EDF inputs need room for a header of a few signals and some records.
  local max_len=4096
  case "$name" in fuzz_edf*) max_len=16384 ;; esac
  local limit=(-max_total_time="$seconds")
  [ -n "$runs" ] && limit=(-runs="$runs")
  echo "== $name: ${runs:+$runs runs}${runs:-${seconds}s}"
  if ! "$build/tests/fuzz/$name" "${limit[@]}" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" 2>"$build/$name.log"; then
    tail -n 40 "$build/$name.log" >&2
    echo "fuzz.sh: $name crashed; input saved in $crashes/" >&2
    return 1
  fi
  grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$build/$name.log" | tail -n 2 || true
}

names=()
for source in tests/fuzz/fuzz_*.cpp; do
  name=$(basename "$source" .cpp)
  [ -n "$only" ] && [[ "$name" != *"$only"* ]] && continue
  names+=("$name")
  rm -f "$build/$name.status"
  # (set -e would end the subshell at a failing fuzz_one before its status is written)
  (if fuzz_one "$name" >"$build/$name.summary" 2>&1; then echo 0; else echo 1; fi >"$build/$name.status") &
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
done
wait || true
status=0
for name in "${names[@]}"; do
  cat "$build/$name.summary"
  [ "$(cat "$build/$name.status" 2>/dev/null)" = 0 ] || status=1
done
exit $status
