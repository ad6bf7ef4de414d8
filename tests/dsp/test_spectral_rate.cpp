#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <random>

#include "pneuma/dsp/biquad.hpp"
#include "pneuma/dsp/spectral_rate.hpp"

using namespace pneuma::dsp;
using Catch::Matchers::WithinAbs;

namespace {
std::optional<SpectralRate> last_estimate(double f_hz, double fs_hz, double seconds,
                                          double noise = 0.0) {
  SpectralRateEstimator est({}, SampleRate(fs_hz));
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0, noise > 0 ? noise : 1);
  std::optional<SpectralRate> last;
  const int count = static_cast<int>(seconds * fs_hz);
  for (int i = 0; i < count; ++i) {
    const double x = std::sin(2 * std::numbers::pi * f_hz * i / fs_hz) + (noise > 0 ? n(rng) : 0);
    if (auto r = est.process(static_cast<float>(x))) last = r;
  }
  return last;
}
} // namespace

TEST_CASE("spectral rate: a 0.1 Hz sine reads 6 breaths/min", "[dsp]") {
  const auto r = last_estimate(0.1, 10.0, 120.0);
  REQUIRE(r);
  CHECK_THAT(r->rate_bpm, WithinAbs(6.0, 0.05));
  CHECK(r->quality > 0.9);
}

TEST_CASE("spectral rate: rates across the band at several sampling rates", "[dsp]") {
  for (double fs : {10.0, 50.0, 250.0}) {
    for (double bpm : {4.5, 6.0, 12.0, 20.0, 35.0}) {
      const auto r = last_estimate(bpm / 60.0, fs, 90.0);
      REQUIRE(r);
      INFO("fs " << fs << " rate " << bpm);
      CHECK_THAT(r->rate_bpm, WithinAbs(bpm, 0.1));
    }
  }
}

TEST_CASE("spectral rate: noise lowers the quality but not the rate", "[dsp]") {
  const auto r = last_estimate(0.1, 25.0, 120.0, 1.0);
  REQUIRE(r);
  CHECK_THAT(r->rate_bpm, WithinAbs(6.0, 0.2));
  CHECK(r->quality < 0.9);
}

TEST_CASE("spectral rate: no estimate before 20 s, NaN is dropped and counted", "[dsp]") {
  SpectralRateEstimator est({}, SampleRate(10.0));
  for (int i = 0; i < 190; ++i) REQUIRE_FALSE(est.process(std::sin(i * 0.06F)));
  est.process(std::nanf(""));
  CHECK(est.dropped() == 1);
}

TEST_CASE("spectral rate: a hole of a few seconds is bridged in time, a long one restarts", "[dsp]") {
  // A rate rising steadily from 5 to 7/min over 105 s (a chirp). A hole at 70-73 s: the window at
  // 105 s should read what the whole window reads without the hole (the rate of its centre, 75 s),
  // not what a window restarted at 73 s reads (the rate near 89 s).
  constexpr double fs = 10.0;
  const auto x_at = [](double t) {
    const double phase = (5.0 * t + 0.5 * (2.0 / 105.0) * t * t) / 60.0; // rate 5 + 2 t / 105
    return std::sin(2 * std::numbers::pi * phase);
  };
  const auto run = [&](double hole_from, double hole_s, bool bridge) {
    SpectralRateEstimator est({}, SampleRate(fs));
    std::optional<SpectralRate> last;
    bool marked = false;
    for (int i = 0; i < static_cast<int>(105 * fs); ++i) {
      const double t = i / fs;
      if (t >= hole_from && t < hole_from + hole_s) continue;
      if (t >= hole_from && !marked) {
        marked = true;
        if (bridge) CHECK(est.bridge(hole_s) == (hole_s <= est.max_bridge_s()));
        else est.reset();
      }
      if (auto r = est.process(static_cast<float>(x_at(t)))) last = r;
    }
    return last;
  };
  const auto whole = run(1e9, 0, true), bridged = run(70, 3, true), restarted = run(70, 3, false);
  REQUIRE(whole);
  REQUIRE(bridged);
  REQUIRE(restarted);
  INFO("whole " << whole->rate_bpm << ", bridged " << bridged->rate_bpm << ", restarted " << restarted->rate_bpm);
  CHECK_THAT(bridged->rate_bpm, WithinAbs(whole->rate_bpm, 0.03));
  CHECK(std::abs(restarted->rate_bpm - whole->rate_bpm) > 0.1); // the test can tell them apart
  // Longer than a sixth of the window: reset, and 20 s of new signal before the next estimate.
  SpectralRateEstimator est({}, SampleRate(fs));
  for (int i = 0; i < 600; ++i) (void)est.process(static_cast<float>(x_at(i / fs)));
  CHECK_FALSE(est.bridge(est.max_bridge_s() + 1));
  int until_estimate = 0;
  while (!est.process(static_cast<float>(x_at(until_estimate / fs)))) ++until_estimate;
  CHECK(until_estimate >= static_cast<int>(19 * fs));
}

TEST_CASE("spectral rate: bad configuration is refused", "[dsp]") {
  CHECK_THROWS_AS(SpectralRateEstimator({.lo = Hz(0.5), .hi = Hz(0.1)}, SampleRate(10)),
                  std::invalid_argument);
  CHECK_THROWS_AS(SampleRate(0), std::invalid_argument);
}

TEST_CASE("biquad: designs match their textbook responses", "[dsp]") {
  const SampleRate fs(100.0);
  const auto lp = BiquadCoeffs::lowpass(Hz(1.0), fs);
  CHECK_THAT(lp.magnitude_at(0.001, fs), WithinAbs(1.0, 1e-6));
  CHECK_THAT(lp.magnitude_at(1.0, fs), WithinAbs(std::sqrt(0.5), 1e-6)); // -3 dB at cut-off
  const auto bp = BiquadCoeffs::bandpass(Hz(0.1), fs, 2.0);
  CHECK_THAT(bp.magnitude_at(0.1, fs), WithinAbs(1.0, 1e-9));
  Biquad f(lp);
  f.settle_to(5.0);
  CHECK_THAT(f(5.0), WithinAbs(5.0, 1e-9)); // no start-up transient
}
