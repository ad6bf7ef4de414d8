#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "pneuma/dsp/hrv_time.hpp"
#include "pneuma/dsp/hrv_window.hpp"

using namespace pneuma::dsp;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("hrv window: sliding statistics equal a batch computation on the same beats", "[dsp][heart]") {
  HrvWindows win;
  std::mt19937 rng(3);
  std::normal_distribution<double> n(0, 30);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> t, rr;
  std::vector<bool> gap, artifact;
  double now = 0;
  for (int i = 0; i < 20000; ++i) { // ~4.5 h: exercises the periodic rebuild and the ring wrap
    const double v = 800 + 100 * std::sin(i * 0.01) + n(rng);
    const bool g = u(rng) < 0.002;
    now += v / 1000 + (g ? 5 : 0);
    t.push_back(now);
    rr.push_back(v);
    gap.push_back(g);
    artifact.push_back(u(rng) < 0.02);
    win.push(now, v, artifact.back(), g);
    if (i % 997 != 0 || i < 400) continue;
    for (int w = 0; w < HrvWindows::kWindows; ++w) {
      const auto s = win.stats(w);
      // Batch: the beats within the span, NaN before a gap so no difference spans it, and the
      // corrected ones masked (no difference at a corrected beat: normal-to-normal).
      std::vector<double> batch;
      std::vector<std::uint8_t> corrected;
      std::size_t first = t.size() - 1;
      while (first > 0 && t[first - 1] >= now - s.span_s) --first;
      for (std::size_t k = first; k < t.size(); ++k) {
        if (k > first && gap[k]) {
          batch.push_back(std::nan(""));
          corrected.push_back(0);
        }
        batch.push_back(rr[k]);
        corrected.push_back(artifact[k] ? 1 : 0);
      }
      const auto b = hrv_time(batch, corrected);
      REQUIRE(s.n == b.n);
      CHECK_THAT(s.mean_nn_ms, WithinRel(b.mean_nn_ms, 1e-9));
      CHECK_THAT(s.sdnn_ms, WithinRel(b.sdnn_ms, 1e-7));
      CHECK_THAT(s.rmssd_ms, WithinRel(b.rmssd_ms, 1e-7));
      CHECK_THAT(s.pnn50_pct, WithinRel(b.pnn50_pct, 1e-9));
      CHECK(s.complete);
    }
  }
  CHECK_THROWS_AS(HrvWindows({60, 30, 300}), std::invalid_argument);
}

TEST_CASE("hrv window: unknown until two beats, poor when artifacts exceed 5 pct", "[dsp][heart]") {
  HrvWindows win;
  CHECK(std::isnan(win.stats(0).rmssd_ms));
  win.push(1.0, 1000, false, false);
  CHECK(std::isnan(win.stats(0).rmssd_ms));
  win.push(std::nan(""), 1000, false, false); // ignored
  for (int i = 2; i < 70; ++i) win.push(i, i % 2 ? 1020 : 980, i % 10 == 0, false);
  const auto s = win.stats(0);
  CHECK_THAT(s.rmssd_ms, WithinRel(40.0, 1e-9));
  CHECK(s.poor); // 10 % artifacts
  CHECK(s.complete);
  CHECK_FALSE(win.stats(2).complete); // 70 s of a 5 min window
}
