#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <numbers>
#include <random>

#include "pneuma/dsp/artifact_corrector.hpp"
#include "support/shared_data.hpp"
#include "test_rr_support.hpp"

using namespace pneuma::dsp;
using pneuma::test::Injected;

namespace {
/// A clean RR series with RSA (0.25 Hz, 40 ms), Mayer waves (0.1 Hz, 25 ms), slow drift and
/// small AR(1) noise: the variability of a healthy adult at rest, without artifacts.
std::vector<double> clean_series(int beats, unsigned seed, double mean = 900) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0, 6);
  std::vector<double> rr;
  double t = 0, ar = 0;
  for (int i = 0; i < beats; ++i) {
    ar = 0.6 * ar + n(rng);
    const double v = mean + 40 * std::sin(2 * std::numbers::pi * 0.25 * t) + 25 * std::sin(2 * std::numbers::pi * 0.1 * t + 1) +
                     30 * std::sin(2 * std::numbers::pi * 0.01 * t) + ar;
    rr.push_back(v);
    t += v / 1000;
  }
  return rr;
}

double rmssd(std::vector<double> const& x) {
  double s = 0;
  for (std::size_t i = 1; i < x.size(); ++i) s += (x[i] - x[i - 1]) * (x[i] - x[i - 1]);
  return std::sqrt(s / static_cast<double>(x.size() - 1));
}
} // namespace

TEST_CASE("artifact: clean series are not touched (NN equals raw)", "[dsp][heart]") {
  for (unsigned seed : {1U, 2U, 3U}) {
    const auto rr = clean_series(3000, seed);
    const auto c = clean_rr(rr);
    CHECK(c.counts.artifacts() == 0);
    REQUIRE(c.nn_ms().size() == rr.size());
    CHECK(c.nn_ms() == rr);
  }
  // Closed forms: constant, alternating (+-25 ms), sinusoidal at 0.1 Hz.
  std::vector<double> constant(500, 800.0), alternating, sine;
  for (int i = 0; i < 500; ++i) alternating.push_back(i % 2 ? 825.0 : 775.0);
  double t = 0;
  for (int i = 0; i < 500; ++i) {
    sine.push_back(1000 + 50 * std::sin(2 * std::numbers::pi * 0.1 * t));
    t += sine.back() / 1000;
  }
  for (auto const* s : {&constant, &alternating, &sine}) {
    const auto c = clean_rr(*s);
    CHECK(c.counts.artifacts() == 0);
    CHECK(c.nn_ms() == *s);
  }
}

TEST_CASE("artifact: injected ectopic, missed and extra beats are found and corrected", "[dsp][heart]") {
  int events = 0, found = 0, false_pos = 0, beats = 0;
  for (double rate : {0.01, 0.02, 0.05}) {
    for (unsigned seed = 1; seed <= 4; ++seed) {
      const auto clean = clean_series(3000, seed * 17);
      const auto bad = pneuma::test::corrupt_rr(clean, rate, seed);
      const auto c = clean_rr(bad.rr_ms);
      std::vector<bool> flagged(bad.rr_ms.size(), false);
      for (auto const& b : c.beats)
        if (b.cls != BeatClass::normal) flagged[b.raw_index] = true;
      // Events: runs of injected intervals. Found when any of them is flagged.
      for (std::size_t i = 0; i < bad.truth.size(); ++i) {
        if (bad.truth[i] == Injected::none) {
          // A flag on a clean beat next to an event is part of that correction, not a false alarm.
          const bool near = (i > 0 && bad.truth[i - 1] != Injected::none) || (i + 1 < bad.truth.size() && bad.truth[i + 1] != Injected::none);
          if (flagged[i] && !near) ++false_pos;
          continue;
        }
        const std::size_t start = i;
        while (i + 1 < bad.truth.size() && bad.truth[i + 1] == bad.truth[start] && bad.truth[start] != Injected::missed && i - start < 1) ++i;
        bool hit = false;
        for (std::size_t k = start; k <= i; ++k) hit = hit || flagged[k];
        ++events;
        found += hit ? 1 : 0;
      }
      beats += static_cast<int>(bad.rr_ms.size());
      const double r_clean = rmssd(clean), r_fixed = rmssd(c.nn_ms()), r_bad = rmssd(bad.rr_ms);
      INFO("rate " << rate << " seed " << seed << " RMSSD clean " << r_clean << " corrected " << r_fixed << " raw " << r_bad);
      CHECK(std::abs(r_fixed - r_clean) / r_clean < 0.05);
      CHECK(c.counts.percent() > 0);
    }
  }
  const double se = 100.0 * found / events, fp = 100.0 * false_pos / beats;
  std::cout << "artifact injection: events " << events << " found " << found << " (Se " << se << " %), false positives "
            << false_pos << " of " << beats << " beats (" << fp << " %)\n";
  CHECK(se >= 95.0);
  CHECK(fp <= 0.5);
}

TEST_CASE("artifact: streaming release, NaN, absurd and gap intervals", "[dsp][heart]") {
  ArtifactCorrector corr;
  int out = 0;
  const auto rr = clean_series(200, 9);
  for (std::size_t i = 0; i < rr.size(); ++i) {
    out += corr.push(rr[i]);
    if (i == 50) corr.push(std::nan(""));
    if (i == 60) corr.push(-5);
    if (i == 70) out += corr.push(10);     // 10 ms: an extra detection, merged
    if (i == 80) out += corr.push(10000);  // 10 s: a gap, never bridged
  }
  CHECK(corr.counts().invalid == 2);
  CHECK(corr.counts().gaps == 1);
  CHECK(corr.counts().extra >= 1);
  out += corr.flush();
  CHECK(out == 200 + 1); // 200 beats + the gap marker; the 10 ms interval merged away
  ArtifactCorrector empty;
  CHECK(empty.flush() == 0);
}

TEST_CASE("artifact: MIT-BIH 100 premature beats are flagged", "[dsp][heart]") {
  auto dir = pneuma::test::shared_path("data/mitdb_100");
  if (!dir) return;
  const auto rr = pneuma::test::read_csv_column((*dir / "mitdb_100_rr.csv").string(), "rr_ms");
  const auto nn = pneuma::test::read_csv_column((*dir / "mitdb_100_rr.csv").string(), "normal_to_normal");
  const auto c = clean_rr(rr);
  int flagged_abnormal = 0, abnormal = 0, flagged_normal = 0;
  std::vector<bool> flagged(rr.size(), false);
  for (auto const& b : c.beats)
    if (b.cls != BeatClass::normal) flagged[b.raw_index] = true;
  for (std::size_t i = 0; i < rr.size(); ++i) {
    if (nn[i] == 0) {
      ++abnormal;
      flagged_abnormal += flagged[i] ? 1 : 0;
    } else {
      flagged_normal += flagged[i] ? 1 : 0;
    }
  }
  std::cout << "MIT-BIH 100 RR: " << abnormal << " intervals touch a non-N beat, " << flagged_abnormal << " flagged; "
            << flagged_normal << " N-N intervals flagged; artifacts " << c.counts.percent() << " %\n";
  CHECK(flagged_normal <= 0.005 * static_cast<double>(rr.size()));
}
