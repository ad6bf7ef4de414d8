// dsp::HeartStream end to end on strap RR: every beat that enters comes out of the corrector as
// the same NN interval at the same place on the timeline, and the 60 s RMSSD is the one worked
// here from the intervals given (a beat lost on the way changes both).
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "pneuma/dsp/heart_stream.hpp"

using namespace pneuma::dsp;

TEST_CASE("heart stream: every strap beat becomes one NN beat and the RMSSD is the hand-worked one", "[dsp][heart]") {
  // A resting heart: 900 ms, RSA at 0.1 Hz (+-60 ms) and a 0.27 Hz ripple (+-12 ms): smooth
  // enough that the corrector (Lipponen & Tarvainen 2019) finds no artifact, so NN = RR.
  std::vector<std::uint32_t> ticks;
  double t = 0;
  for (int i = 0; i < 400; ++i) {
    const double rr_ms = 900 + 60 * std::sin(2 * std::numbers::pi * 0.1 * t) + 12 * std::sin(2 * std::numbers::pi * 0.27 * t);
    ticks.push_back(static_cast<std::uint32_t>(std::lround(rr_ms * 1.024)));
    t += ticks.back() / 1024.0;
  }
  HeartStream h;
  std::vector<NnBeat> nn;
  double beat_t = 5;
  for (auto const k : ticks) {
    beat_t += k / 1024.0;
    h.rr(k, beat_t + 0.1); // each notification 0.1 s after its beat
    for (int i = 0; i < h.nn_count(); ++i) nn.push_back(h.nn(i));
  }
  CHECK(static_cast<std::size_t>(h.artifact_counts().beats) == ticks.size());
  // The corrector looks up to 7 beats ahead: all but the last few are out, in order, unchanged.
  REQUIRE(nn.size() >= ticks.size() - 7);
  REQUIRE(nn.size() < ticks.size());
  int corrected = 0;
  for (std::size_t i = 0; i < nn.size(); ++i) {
    INFO("beat " << i);
    CHECK(nn[i].rr_ms == Approx(ticks[i] * 1000.0 / 1024.0).margin(1e-9));
    if (i > 0) CHECK(nn[i].t_s - nn[i - 1].t_s == Approx(ticks[i] / 1024.0).margin(1e-9));
    corrected += nn[i].corrected ? 1 : 0;
  }
  CHECK(corrected == 0);
  // RMSSD over the NN beats of the last 60 s (the window's definition), by hand.
  const double end = nn.back().t_s;
  double ss = 0;
  int n = 0;
  for (std::size_t i = 1; i < nn.size(); ++i)
    if (nn[i - 1].t_s > end - 60) {
      const double d = ticks[i] * 1000.0 / 1024.0 - ticks[i - 1] * 1000.0 / 1024.0;
      ss += d * d;
      ++n;
    }
  REQUIRE(n > 50);
  // 2 %: whether the one pair at the window's edge is in or out moves RMSSD by ~1/n.
  CHECK_THAT(h.metrics().rmssd_ms, Catch::Matchers::WithinRel(std::sqrt(ss / n), 0.02));
  CHECK(h.metrics().artifact_pct == Approx(0.0).margin(1e-9));
  CHECK_FALSE(h.metrics().hrv_poor);
}
