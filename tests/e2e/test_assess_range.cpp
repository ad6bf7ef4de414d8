// The assessment's recommendation follows the person: simulated persons at both ends of the
// resonance range (README: about 4.5-7 breaths/min) get recommendations 2 breaths/min apart,
// each within 0.5/min of the person's resonance clamped to the protocol's 6.5 -> 4.5 steps.
// No constant answer passes both (4.0..5.0 and 6.0..7.0 do not meet); tests/e2e/test_assess.cpp
// covers the middle of the range.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "support/process.hpp"

namespace {

/// The recommendation of `pneuma assess` for a simulated person of resonance `rf` (default protocol).
void check_person(double rf) {
  char command[160];
  std::snprintf(command, sizeof command, " assess --headless --json --no-store --speed 150 --source sim:rf=%.1f,seed=3", rf);
  const auto r = pneuma::test::run_process(pneuma::test::pneuma_binary() + command);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  INFO("rf " << rf << ": " << j.dump());
  REQUIRE(j["recommended_bpm"].is_number());
  // The protocol cannot recommend outside its steps; within it the README's measured accuracy is
  // 0.5/min (the simulated heart comes in phase ~0.3/min below its resonance).
  const double reachable = std::clamp(rf, 4.5, 6.5);
  CHECK(std::abs(j["recommended_bpm"].get<double>() - reachable) <= 0.5 + 1e-9);
  // The recommended step is the one the steps' own scores rank first.
  double best_score = -1, best_rate = 0;
  for (auto const& s : j["steps"])
    if (s["valid"] == true && s["score"].get<double>() > best_score) {
      best_score = s["score"].get<double>();
      best_rate = s["rate_bpm"].get<double>();
    }
  CHECK(j["recommended_bpm"].get<double>() == best_rate);
}

} // namespace

TEST_CASE("assess e2e: a person resonating at 4.5/min is recommended the slow end", "[e2e][slow]") { check_person(4.5); }

TEST_CASE("assess e2e: a person resonating at 7/min is recommended the fast end", "[e2e][slow]") { check_person(7.0); }
