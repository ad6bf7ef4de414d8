// The test runner: Catch2's session, plus a listener that counts assertions so that a skip
// (support/skip.hpp) is honoured only when it comes before every check; a skipped run exits with
// kSkipExitCode, a failed one with Catch2's own non-zero code, whatever was skipped.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <iostream>

#include "support/skip.hpp"

namespace {

long g_assertions = 0;
bool g_skipped = false;

struct AssertionCounter : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  bool assertionEnded(Catch::AssertionStats const&) override {
    ++g_assertions;
    return true;
  }
};

} // namespace

CATCH_REGISTER_LISTENER(AssertionCounter)

namespace pneuma::test {

void skip(std::string const& why) {
  if (g_assertions > 0) FAIL("skip requested after " << g_assertions << " checks ran (" << why << "): a failure, not a skip");
  g_skipped = true;
  std::cout << "SKIP: " << why << "\n";
}

bool skipped() { return g_skipped; }

} // namespace pneuma::test

int main(int argc, char* argv[]) {
  const int result = Catch::Session().run(argc, argv);
  return result == 0 && g_skipped ? pneuma::test::kSkipExitCode : result;
}
