#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <string>
#include <iostream>
#include <numbers>
#include <random>

#include "pneuma/dsp/artifact_corrector.hpp"
#include "pneuma/dsp/hrv_time.hpp"
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
  double worst_rmssd = 0, worst_raw = 0;
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
      worst_rmssd = std::max(worst_rmssd, std::abs(r_fixed - r_clean) / r_clean);
      worst_raw = std::max(worst_raw, std::abs(r_bad - r_clean) / r_clean);
      CHECK(c.counts.percent() > 0);
    }
  }
  const double se = 100.0 * found / events, fp = 100.0 * false_pos / beats;
  std::cout << "artifact injection: events " << events << " found " << found << " (Se " << se << " %), false positives "
            << false_pos << " of " << beats << " beats (" << fp << " %); RMSSD error corrected <= " << 100 * worst_rmssd
            << " %, uncorrected up to " << 100 * worst_raw << " %\n";
  CHECK(se >= 95.0);
  CHECK(fp <= 0.5);
}

TEST_CASE("artifact: streaming release, NaN, impossible and gap intervals", "[dsp][heart]") {
  ArtifactCorrector corr;
  int out = 0;
  const auto rr = clean_series(200, 9);
  for (std::size_t i = 0; i < rr.size(); ++i) {
    out += corr.push(rr[i]);
    if (i == 50) corr.push(std::nan(""));
    if (i == 60) corr.push(-5);
    if (i == 70) out += corr.push(10);      // 10 ms: no heart cycle (refractory period ~200 ms)
    if (i == 75) out += corr.push(1e-300);  // a parser's garbage
    if (i == 76) out += corr.push(50);      // 1200 beats/min
    if (i == 80) out += corr.push(10000);   // 10 s: a gap, never bridged
  }
  CHECK(corr.counts().invalid == 5);
  CHECK(corr.counts().beats == 201);
  CHECK(corr.counts().gaps == 1);
  out += corr.flush();
  CHECK(out == 200 + 1); // 200 beats + the gap marker
  ArtifactCorrector empty;
  CHECK(empty.flush() == 0);
  // A series of impossible intervals gives no beat and no heart rate at all.
  const std::vector<double> absurd(100, 50.0), tiny(100, 1e-300);
  for (auto const* s : {&absurd, &tiny}) {
    const auto c = clean_rr(*s);
    CHECK(c.beats.empty());
    CHECK(c.counts.invalid == 100);
    CHECK(std::isnan(hrv_time(*s).mean_hr_bpm));
  }
}

namespace {
/// RMSSD over the successive differences of two intervals both flagged in `ok` (and < 3 s).
double rmssd_where(std::vector<double> const& rr, std::vector<char> const& ok) {
  double s = 0;
  int n = 0;
  for (std::size_t i = 1; i < rr.size(); ++i)
    if (ok[i] && ok[i - 1] && rr[i] < 3000 && rr[i - 1] < 3000) {
      s += (rr[i] - rr[i - 1]) * (rr[i] - rr[i - 1]);
      ++n;
    }
  return n > 0 ? std::sqrt(s / n) : std::nan("");
}

/// The corrector's normal-to-normal RMSSD (what `analyze` and the live windows report).
double corrected_rmssd(std::vector<double> const& rr) {
  const auto c = clean_rr(rr);
  std::vector<double> nn;
  std::vector<std::uint8_t> corrected;
  for (auto const& b : c.beats) {
    nn.push_back(b.cls == BeatClass::gap ? std::nan("") : b.rr_ms);
    corrected.push_back(b.cls == BeatClass::normal ? 0 : 1);
  }
  return hrv_time(nn, corrected).rmssd_ms;
}

/// Premature beats on a clean series: each chosen beat k comes early (coupling 55-75 % of its
/// cycle) and the next interval carries the compensatory pause, so the sinus beats keep their
/// times (RR[k] + RR[k+1] unchanged). `share` of all beats, never two in a row (at 45 % nearly
/// every other beat: bigeminy).
std::vector<double> with_premature_beats(std::vector<double> const& clean, double share, unsigned seed,
                                         int& injected) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> x = clean;
  injected = 0;
  for (std::size_t k = 1; k + 1 < x.size(); ++k) {
    if (u(rng) >= share / (1 - share)) continue; // the beat after one is always sinus
    const double coupling = (0.55 + 0.2 * u(rng)) * clean[k];
    x[k + 1] = clean[k] + clean[k + 1] - coupling;
    x[k] = coupling;
    ++injected;
    ++k;
  }
  return x;
}
} // namespace

TEST_CASE("artifact: ltdb 14046 (16 % premature beats) normal-to-normal RMSSD within 10 %", "[dsp][heart]") {
  const auto dir = pneuma::test::shared_path("data/ltdb_14046");
  if (!dir) return;
  const auto file = (*dir / "ltdb_14046_rr.csv").string();
  const auto rr = pneuma::test::read_csv_column(file, "rr_ms");
  const auto nn = pneuma::test::read_csv_column(file, "normal_to_normal");
  std::vector<char> ok(rr.size());
  for (std::size_t i = 0; i < rr.size(); ++i) ok[i] = nn[i] == 1;
  // Reference: differences between adjacent intervals both marked normal-to-normal, without the
  // three > 3 s dropouts (two of them marked N-N: they alone would triple the RMSSD).
  const double ref = rmssd_where(rr, ok);
  const double ours = corrected_rmssd(rr);
  std::cout << "ltdb 14046: NN RMSSD reference " << ref << " ms, corrected " << ours << " ms\n";
  CHECK(ref == Approx(22.42).margin(0.05)); // the annotation file is what it was
  CHECK(std::abs(ours - ref) / ref <= 0.10);
}

TEST_CASE("artifact: 5-45 % premature beats on real and simulated NN series, RMSSD within 10 %", "[dsp][heart]") {
  // The target holds by construction, not on one record: at 30-45 % premature beats the
  // adaptive thresholds alone pass nearly all of them (RMSSD several times too high).
  std::vector<std::pair<std::string, std::vector<double>>> bases;
  bases.emplace_back("simulated", clean_series(20000, 5));
  if (const auto f = pneuma::test::shared_path("data/nsr2db_nsr001/nsr001_rr.csv")) {
    auto rr = pneuma::test::read_csv_column(f->string(), "rr_ms");
    rr.resize(std::min<std::size_t>(rr.size(), 20000));
    bases.emplace_back("nsr2db 001", rr);
  }
  if (const auto f = pneuma::test::shared_path("data/rr_healthy_000/rr_healthy_000_rr.csv")) {
    auto rr = pneuma::test::read_csv_column(f->string(), "rr_ms");
    rr.resize(std::min<std::size_t>(rr.size(), 20000));
    bases.emplace_back("rr_healthy 000", rr);
  }
  for (auto const& [name, base] : bases) {
    // Truth: the base's own RMSSD over its normal beats (a real record has a few artifacts of its
    // own; the corrector leaves clean data untouched, tested above).
    std::vector<char> normal(base.size(), 1);
    for (auto const& b : clean_rr(base).beats)
      if (b.cls != BeatClass::normal && b.raw_index < normal.size()) normal[b.raw_index] = 0;
    const double truth = rmssd_where(base, normal);
    for (double share : {0.05, 0.15, 0.30, 0.45}) {
      int injected = 0;
      const auto x = with_premature_beats(base, share, 5, injected);
      const double ours = corrected_rmssd(x);
      std::printf("%s: %.0f %% premature beats, RMSSD truth %.1f ms, corrected %.1f ms (%+.1f %%)\n", name.c_str(),
                  100.0 * injected / static_cast<double>(x.size()), truth, ours, 100 * (ours / truth - 1));
      INFO(name << " share " << share);
      CHECK(std::abs(ours - truth) / truth <= 0.10);
    }
  }
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
  // Sensitivity: every interval that touches one of the 33 premature beats is flagged (68 of 68
  // measured; 3 % slack for a borderline coupling interval).
  CHECK(flagged_abnormal >= 0.97 * abnormal);
}
