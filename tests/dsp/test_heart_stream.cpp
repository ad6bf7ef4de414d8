// dsp::HeartStream: one timeline for RR, the ECG's R peaks as beats only without strap RR.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

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
