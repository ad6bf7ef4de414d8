// dsp::HeartStream: one timeline for RR, the ECG's R peaks as beats only without strap RR.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <vector>

#include "pneuma/dsp/heart_stream.hpp"

using namespace pneuma::dsp;

TEST_CASE("heart stream: strap RR becomes beats on one timeline, HR and RMSSD follow", "[dsp][heart]") {
  HeartStream h;
  double t = 10;
  int nn = 0;
  for (int i = 0; i < 120; ++i) {
    const std::uint32_t ticks = 1024; // 1000 ms, exactly
    t += 1.0;
    const unsigned ev = h.rr(ticks, t + 0.2); // notification 0.2 s after the beat
    CHECK((ev & kHeartBeat) != 0);
    if (ev & kHeartNn) nn += h.nn_count();
    CHECK_THAT(h.last_beat().t_s, Catch::Matchers::WithinAbs(t + 0.2, 1e-9)); // anchored at the first arrival
    CHECK_FALSE(h.last_beat().from_ecg);
  }
  CHECK(h.metrics().hr_bpm == Approx(60.0));
  CHECK(nn >= 120 - 7); // the corrector holds up to 7 beats of look-ahead
  CHECK(nn < 120);
  CHECK(h.metrics().rmssd_ms == Approx(0.0).margin(1e-9));
  CHECK_FALSE(h.metrics().hrv_poor);
}

TEST_CASE("heart stream: ECG R peaks are beats when no strap RR arrives", "[dsp][heart]") {
  const double fs = 130;
  HeartStream h(HeartStreamConfig{.ecg_rate = Hz(fs)});
  int peaks = 0, beats = 0;
  double last_beat = -1;
  for (int i = 0; i < static_cast<int>(60 * fs); ++i) {
    const double t = i / fs;
    const double d = std::fmod(t, 0.8) - 0.4; // R every 0.8 s (75/min)
    const float v = static_cast<float>(1000 * std::exp(-d * d / (2 * 0.012 * 0.012)));
    const unsigned ev = h.ecg(v, t);
    if (ev & kHeartRPeak) ++peaks;
    if (ev & kHeartBeat) {
      ++beats;
      CHECK(h.last_beat().from_ecg);
      if (last_beat >= 0) CHECK(h.last_beat().rr_ms == Approx(800).margin(10));
      last_beat = h.last_beat().t_s;
    }
  }
  CHECK(peaks >= 70);
  CHECK(beats == peaks - 1); // the first peak only starts the chain
  CHECK(h.metrics().hr_bpm == Approx(75).margin(1));
}

TEST_CASE("heart stream: live NN beats equal the offline nn_series beat by beat", "[dsp][heart]") {
  // Live equals offline: the beats HeartStream releases (time, interval, corrected, after a gap)
  // are exactly what dsp::nn_series gives for the same raw beats, premature beats, missed and
  // extra beats and a 5-s gap included.
  HeartStream h;
  std::vector<double> raw_t, raw_rr, live_t, live_rr;
  std::vector<std::uint8_t> live_corrected, live_gap;
  double t = 100;
  for (int i = 0; i < 600; ++i) {
    double rr = 850 + 60 * std::sin(2 * std::numbers::pi * i / 4.5) + 20 * std::sin(i * 0.37);
    if (i % 37 == 20) rr *= 0.65;                  // premature
    if (i % 37 == 21) rr *= 1.35;                  // its pause
    if (i == 300) rr = 5000;                       // a gap
    if (i % 97 == 50) rr *= 2;                     // a missed beat
    t += rr / 1000;
    const auto ticks = static_cast<std::uint32_t>(std::lround(rr * 1.024));
    const unsigned ev = h.rr(ticks, t);
    REQUIRE((ev & kHeartBeat) != 0);
    raw_t.push_back(h.last_beat().t_s);
    raw_rr.push_back(h.last_beat().rr_ms);
    for (int k = 0; k < h.nn_count(); ++k) {
      live_t.push_back(h.nn(k).t_s);
      live_rr.push_back(h.nn(k).rr_ms);
      live_corrected.push_back(h.nn(k).corrected ? 1 : 0);
      live_gap.push_back(h.nn(k).after_gap ? 1 : 0);
    }
  }
  const NnSeries off = nn_series(raw_t, raw_rr);
  REQUIRE(live_t.size() >= 580);
  REQUIRE(off.t_s.size() >= live_t.size()); // offline also releases the last 7 (flush)
  int corrected = 0;
  for (std::size_t i = 0; i < live_t.size(); ++i) {
    INFO("beat " << i);
    const auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    CHECK(same(off.t_s[i], live_t[i]));
    CHECK(same(off.rr_ms[i], live_rr[i]));
    CHECK(off.corrected[i] == live_corrected[i]);
    CHECK(off.after_gap[i] == live_gap[i]);
    corrected += live_corrected[i];
  }
  CHECK(corrected >= 30); // the artifacts were there to be corrected
}
