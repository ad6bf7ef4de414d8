// Pacer timing over long sessions, presets, glides and the follow score.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "session/pacer_follow.hpp"
#include "pacer/pacer_model.hpp"
#include "pacer/pacer_presets.hpp"
#include "pacer/pacer_timeline.hpp"

using namespace pneuma::app;
using Catch::Matchers::WithinAbs;

namespace {
struct Transition {
  double t_s;
  PacerPhase to;
};
/// Steps a timeline at 1 ms, and locates every phase change by bisection to 1 us.
std::vector<Transition> transitions(PacerTimeline const& timeline, double from_s, double to_s) {
  std::vector<Transition> out;
  PacerPhase last = timeline.at(from_s).phase;
  const auto steps = static_cast<long>(std::llround((to_s - from_s) * 1000));
  for (long i = 1; i <= steps; ++i) {
    const double t = from_s + static_cast<double>(i) * 1e-3;
    const PacerPhase p = timeline.at(t).phase;
    if (p != last) {
      double lo = t - 1e-3, hi = t;
      while (hi - lo > 1e-6) {
        const double mid = 0.5 * (lo + hi);
        (timeline.at(mid).phase == p ? hi : lo) = mid;
      }
      out.push_back({hi, p});
    }
    last = p;
  }
  return out;
}
} // namespace

TEST_CASE("pacer timing: 10 minutes at 6/min 1:1.5 with holds stay within 1 ms", "[app][pacer]") {
  // 10 s cycle: inhale 3.2 s, hold 1 s, exhale 4.8 s, hold 1 s.
  PacerTimeline timeline({6.0, 1.0, 1.5, 1.0, 1.0});
  const auto got = transitions(timeline, 0.0, 600.0);
  REQUIRE(got.size() == 4 * 60); // the last change: the inhale of cycle 61 at 600 s
  const double offsets[4] = {3.2, 4.2, 9.0, 10.0};
  const PacerPhase phases[4] = {PacerPhase::hold_in, PacerPhase::exhale, PacerPhase::hold_out,
                                PacerPhase::inhale};
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double expected = 10.0 * static_cast<double>(i / 4) + offsets[i % 4];
    REQUIRE(got[i].to == phases[i % 4]);
    worst = std::max(worst, std::abs(got[i].t_s - expected));
  }
  INFO("worst transition error " << worst * 1000 << " ms");
  CHECK(worst <= 1e-3);
}

TEST_CASE("pacer timing: a pause shifts every later transition by its length", "[app][pacer]") {
  PacerTimeline timeline({6.0, 1.0, 1.5, 1.0, 1.0});
  timeline.pause(203.0); // during the inhale of cycle 21
  timeline.resume(233.0);
  const auto got = transitions(timeline, 233.0, 600.0);
  REQUIRE(!got.empty());
  // Pacer time = session time - 30 s after the pause: cycle onsets at 30 + 10 k.
  for (auto const& tr : got) {
    if (tr.to != PacerPhase::inhale) continue;
    const double pacer_t = tr.t_s - 30.0;
    CHECK_THAT(pacer_t - 10.0 * std::round(pacer_t / 10.0), WithinAbs(0.0, 1e-3));
  }
}

TEST_CASE("pacer: durations and I-H-E-H seconds give the same cycle", "[app][pacer]") {
  const auto s = PacerSettings::from_seconds(4, 2, 6, 0);
  CHECK_THAT(s.rate_bpm, WithinAbs(5.0, 1e-12));
  const auto d = s.durations();
  CHECK_THAT(d.inhale_s, WithinAbs(4.0, 1e-12));
  CHECK_THAT(d.hold_in_s, WithinAbs(2.0, 1e-12));
  CHECK_THAT(d.exhale_s, WithinAbs(6.0, 1e-12));
  CHECK_THROWS_WITH(PacerSettings::from_seconds(1, 0, 1, 0), Catch::Contains("3 to 12"));
}

TEST_CASE("pacer: rates snap to 0.1 steps inside 3 to 12", "[app][pacer]") {
  CHECK_THAT(PacerSettings::snap_rate(6.04), WithinAbs(6.0, 1e-12));
  CHECK_THAT(PacerSettings::snap_rate(6.06), WithinAbs(6.1, 1e-12));
  CHECK_THAT(PacerSettings::snap_rate(2.0), WithinAbs(3.0, 1e-12));
  CHECK_THAT(PacerSettings::snap_rate(30.0), WithinAbs(12.0, 1e-12));
}

TEST_CASE("pacer presets: named presets, seconds notation and the resonance hook", "[app][pacer]") {
  const auto coherent = preset_settings("coherent");
  CHECK_THAT(coherent.rate_bpm, WithinAbs(6.0, 1e-12));
  CHECK_THAT(coherent.inhale_fraction(), WithinAbs(0.5, 1e-12));
  const auto relax = preset_settings("relax");
  CHECK_THAT(relax.durations().exhale_s, WithinAbs(6.0, 1e-12));
  CHECK_THAT(preset_settings("4-7-8-0").rate_bpm, WithinAbs(60.0 / 19.0, 1e-12));
  CHECK_THROWS_WITH(preset_settings("4-0-6"), Catch::Contains("4-0-6-0"));
  CHECK_THROWS_WITH(preset_settings("calm"), Catch::Contains("coherent"));

  set_resonance_provider({});
  CHECK_THROWS_WITH(preset_settings("resonance"), Catch::Contains("assess"));
  set_resonance_provider([] { return std::optional<double>(5.47); });
  CHECK_THAT(preset_settings("resonance").rate_bpm, WithinAbs(5.5, 1e-12));
  set_resonance_provider({});
}

TEST_CASE("pacer glide: the rate ramps linearly and the phase never jumps", "[app][pacer]") {
  PacerModel pacer({6.0, 1.0, 1.5, 0, 0});
  pacer.glide(0.0, 12.0, 180.0);
  CHECK_THAT(pacer.rate_at(0.0), WithinAbs(12.0, 1e-12));
  CHECK_THAT(pacer.rate_at(90.0), WithinAbs(9.0, 1e-12));
  CHECK_THAT(pacer.rate_at(400.0), WithinAbs(6.0, 1e-12));
  // Cycles = integral of rate: 180 s averaging 9/min = 27 cycles, then 6/min.
  CHECK_THAT(pacer.cycles_at(180.0), WithinAbs(27.0, 1e-9));
  CHECK_THAT(pacer.cycles_at(190.0), WithinAbs(28.0, 1e-9));
  double worst = 0;
  for (double t = 0.01; t < 300; t += 0.01)
    worst = std::max(worst, std::abs(pacer.at(t).position - pacer.at(t - 0.01).position));
  CHECK(worst < 0.01); // at most ~0.8 % per 10 ms at 12/min: no jump
  // A manual change during the glide ends it, phase-continuously.
  const double before = pacer.cycles_at(60.0);
  pacer.change(60.0, {7.0, 1, 1.5, 0, 0});
  CHECK_THAT(pacer.cycles_at(60.0), WithinAbs(before, 1e-12));
  CHECK_FALSE(pacer.gliding(61.0));
  CHECK_THAT(pacer.rate_at(61.0), WithinAbs(7.0, 1e-12));
}

TEST_CASE("pacer follow: a belt that follows 1 s late scores high with the lag found", "[app][pacer]") {
  PacerTimeline timeline({6.0, 1.0, 1.5, 0, 0});
  PacerFollow follow;
  TraceRing<256> breath{{}, 0, 0, 0, 0.1};
  for (int i = 0; i <= 300; ++i) {
    const double t = 0.1 * i;
    follow.record(t, timeline.at(t).position, true);
    breath.push(t, static_cast<float>(400 * timeline.at(t - 1.0 - PacerFollow::kFilterDelayS).position));
  }
  const auto r = follow.assess(breath);
  CHECK(r.score > 0.98);
  CHECK_THAT(r.lag_s, WithinAbs(1.0, 0.11));
  CHECK(follow_level(r) == FollowLevel::in_step);

  // Breathing at 12/min against a 6/min pacer: off the pace.
  TraceRing<256> fast{{}, 0, 0, 0, 0.1};
  for (int i = 0; i <= 300; ++i) {
    const double t = 0.1 * i;
    fast.push(t, static_cast<float>(std::sin(2 * 3.14159265 * t / 5.0)));
  }
  CHECK(follow_level(follow.assess(fast)) == FollowLevel::off_pace);

  // A flat belt is not a score.
  TraceRing<256> flat{{}, 0, 0, 0, 0.1};
  for (int i = 0; i <= 300; ++i) flat.push(0.1 * i, 5.0F);
  CHECK(follow_level(follow.assess(flat)) == FollowLevel::unknown);
}

TEST_CASE("pacer follow: sparse frames (a fast session clock) still record the exact pacer", "[app][pacer]") {
  PacerTimeline timeline({5.0, 1.0, 1.5, 1.0, 0});
  PacerFollow follow;
  for (double t = 0; t <= 30.0; t += 0.35) follow.record(t, timeline); // ~3 grid points per frame
  TraceRing<256> breath{{}, 0, 0, 0, 0.1};
  for (int i = 0; i <= 300; ++i) {
    const double t = 0.1 * i;
    breath.push(t, static_cast<float>(timeline.at(t - 0.5 - PacerFollow::kFilterDelayS).position));
  }
  const auto r = follow.assess(breath);
  CHECK(r.score > 0.98);
  CHECK_THAT(r.lag_s, WithinAbs(0.5, 0.11));
  // While the pacer is paused nothing is scored.
  PacerTimeline paused = timeline;
  paused.pause(0.0);
  PacerFollow idle;
  for (double t = 0; t <= 30.0; t += 0.35) idle.record(t, paused);
  CHECK(follow_level(idle.assess(breath)) == FollowLevel::unknown);
}
