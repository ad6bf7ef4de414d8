#pragma once
// Skipping a test the way ctest understands it (Catch2 2.13 has no SKIP): the test calls
// PNEUMA_SKIP("why") before its first check; the runner (support/main.cpp) then exits with
// kSkipExitCode, which tests/CMakeLists.txt declares as SKIP_RETURN_CODE. A skip asked for after a
// check has run is a failure: a test cannot pass half its checks and call the rest "skipped".

#include <string>

namespace pneuma::test {

inline constexpr int kSkipExitCode = 4;

/// Records the skip (and prints "SKIP: why"); FAILs when an assertion already ran in this process.
void skip(std::string const& why);

/// True once skip() was called.
bool skipped();

} // namespace pneuma::test

/// Skips the current test case and returns from it; only valid before the first check.
#define PNEUMA_SKIP(why)                                                                           \
  do {                                                                                             \
    ::pneuma::test::skip(why);                                                                     \
    return;                                                                                        \
  } while (false)
