#include <catch2/catch.hpp>
#include <cmath>

#include "pneuma/dsp/rr_timeline.hpp"

using namespace pneuma::dsp;

TEST_CASE("rr timeline: 1/1024 s ticks keep full precision over 24 h", "[dsp][heart]") {
  RrTimeline tl;
  // 24 h of 1001/1024 s beats, each notification arriving 0.2 s after its beat.
  const std::uint32_t ticks = 1001;
  double t = 0;
  TimedBeat b{};
  const int beats = 24 * 3600 * 1024 / 1001;
  for (int i = 0; i < beats; ++i) {
    t = static_cast<double>(i) * ticks / 1024.0;
    b = tl.push(ticks, t + 0.2);
    if (i > 0) REQUIRE_FALSE(b.after_gap);
  }
  CHECK(b.rr_ms == 1001.0 * 1000.0 / 1024.0); // exact, not rounded to whole ms
  CHECK(std::abs(b.t_s - (t + 0.2)) < 1e-9);   // no drift: the sum is kept in integer ticks
}

TEST_CASE("rr timeline: lost notifications re-anchor and flag the gap", "[dsp][heart]") {
  RrTimeline tl;
  CHECK(tl.push(1024, 10.0).after_gap); // the first beat anchors
  CHECK(tl.push(1024, 11.0).t_s == 11.0);
  const auto late = tl.push(1024, 20.0); // 8 beats lost
  CHECK(late.after_gap);
  CHECK(late.t_s == 20.0);
  CHECK_FALSE(tl.push(1024, 21.1).after_gap);
  CHECK(tl.push(0, 21.1).rr_ms == 0.0); // a zero interval is passed on (the corrector drops it)
}
