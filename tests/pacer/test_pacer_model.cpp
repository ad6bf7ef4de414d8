#include <catch2/catch.hpp>
#include <cmath>

#include "pacer/pacer_model.hpp"
#include "pacer/pacer_timeline.hpp"

using namespace pneuma::app;
using Catch::Matchers::WithinAbs;

TEST_CASE("pacer: 6/min with 1:1.5 inhales 4 s and exhales 6 s", "[app][pacer]") {
  PacerModel pacer({6.0, 1.0, 1.5, 0, 0});
  CHECK(pacer.at(0.0).phase == PacerPhase::inhale);
  CHECK(pacer.at(3.999).phase == PacerPhase::inhale);
  CHECK(pacer.at(4.001).phase == PacerPhase::exhale);
  CHECK(pacer.at(9.999).phase == PacerPhase::exhale);
  CHECK(pacer.at(10.001).phase == PacerPhase::inhale);
  CHECK_THAT(pacer.at(2.0).position, WithinAbs(0.5, 1e-9));  // eased midpoint
  CHECK_THAT(pacer.at(4.0).position, WithinAbs(1.0, 1e-9));
  CHECK_THAT(pacer.at(7.0).position, WithinAbs(0.5, 1e-9));
  CHECK_THAT(pacer.at(1.0).phase_left_s, WithinAbs(3.0, 1e-9));
}

TEST_CASE("pacer: holds take their seconds and the rest is split by I:E", "[app][pacer]") {
  PacerModel pacer({5.0, 1.0, 1.0, 2.0, 1.0}); // 12 s: 4.5 in, 2 hold, 4.5 out, 1 hold
  CHECK(pacer.at(4.4).phase == PacerPhase::inhale);
  CHECK(pacer.at(4.6).phase == PacerPhase::hold_in);
  CHECK(pacer.at(6.4).phase == PacerPhase::hold_in);
  CHECK(pacer.at(6.6).phase == PacerPhase::exhale);
  CHECK(pacer.at(10.9).phase == PacerPhase::exhale);
  CHECK(pacer.at(11.1).phase == PacerPhase::hold_out);
  CHECK_THAT(pacer.at(5.5).position, WithinAbs(1.0, 1e-12));
  CHECK_THAT(pacer.at(11.5).position, WithinAbs(0.0, 1e-12));
}

TEST_CASE("pacer: phase boundaries stay exact over 10 minutes", "[app][pacer]") {
  PacerModel pacer({6.0, 1.0, 1.5, 0, 0});
  for (int cycle = 0; cycle < 60; ++cycle) {
    const double onset = cycle * 10.0;
    REQUIRE(pacer.at(onset + 0.0005).phase == PacerPhase::inhale);
    REQUIRE(pacer.at(onset + 3.9995).phase == PacerPhase::inhale);
    REQUIRE(pacer.at(onset + 4.0005).phase == PacerPhase::exhale);
    REQUIRE(pacer.at(onset + 9.9995).phase == PacerPhase::exhale);
  }
}

TEST_CASE("pacer: a rate change keeps the phase continuous", "[app][pacer]") {
  PacerModel pacer({6.0, 1.0, 1.0, 0, 0});
  const double before = pacer.at(12.0).cycles;
  pacer.change(12.0, {4.0, 1.0, 1.0, 0, 0});
  CHECK_THAT(pacer.at(12.0).cycles, WithinAbs(before, 1e-12));
  // 1.2 cycles done at 12 s; the remaining 0.8 cycle now takes 0.8 * 15 s.
  CHECK_THAT(pacer.at(24.0).cycles, WithinAbs(2.0, 1e-9));
}

TEST_CASE("pacer: pause freezes the pacer and resume continues", "[app][pacer]") {
  PacerTimeline t({6.0, 1.0, 1.5, 0, 0});
  t.pause(3.0);
  CHECK_THAT(t.at(100.0).position, WithinAbs(t.at(3.0).position, 1e-12));
  t.resume(100.0);
  CHECK_THAT(t.at(101.0).cycles, WithinAbs(0.4, 1e-12));
}

TEST_CASE("pacer: settings are validated with a message", "[app][pacer]") {
  CHECK_THROWS_WITH(PacerModel({20.0, 1, 1, 0, 0}), Catch::Contains("3 to 12"));
  CHECK_THROWS_WITH(PacerSettings::parse_ratio("1-2"), Catch::Contains("1:1.5"));
  CHECK(PacerSettings::parse_ratio("4:6") == std::pair<double, double>{4.0, 6.0});
}
