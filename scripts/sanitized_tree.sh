# Sourced by scripts/test.sh and scripts/fuzz.sh: the one sanitizer tree, build-san/. clang with
# AddressSanitizer + UndefinedBehaviorSanitizer and libFuzzer's coverage instrumentation, so the
# same objects serve the fuzz targets and the suite under the sanitizers: one build, not two.
# Debug (assertions on) at -O1 with line tables only: a report's backtrace names file and line.
san_build=build-san
configure_sanitized_tree() {
  cmake -S . -B "$san_build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_C_FLAGS="-O1 -fsanitize=fuzzer-no-link" -DCMAKE_CXX_FLAGS="-O1 -fsanitize=fuzzer-no-link" \
    -DCMAKE_C_FLAGS_DEBUG="-gline-tables-only" -DCMAKE_CXX_FLAGS_DEBUG="-gline-tables-only" \
    -DPNEUMA_SANITIZE=ON -DPNEUMA_FUZZ=ON -DPNEUMA_WERROR=ON -DPNEUMA_BUILD_BENCH=OFF >/dev/null
}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
