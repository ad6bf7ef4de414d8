#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <iostream>
#include <numbers>
#include <random>

#include "pneuma/dsp/rpeak_detector.hpp"
#include "support/shared_data.hpp"
#include "test_rr_support.hpp"

using namespace pneuma::dsp;

namespace {
struct Score {
  int tp = 0, fn = 0, fp = 0;
  double se() const { return 100.0 * tp / (tp + fn); }
  double ppv() const { return 100.0 * tp / (tp + fp); }
};

/// ANSI/AAMI EC57-style matching: each reference beat matches at most one detection within +-window.
Score match(std::vector<double> const& ref_s, std::vector<double> const& det_s, double window_s) {
  Score s;
  std::size_t j = 0;
  std::vector<bool> used(det_s.size(), false);
  for (double r : ref_s) {
    while (j < det_s.size() && det_s[j] < r - window_s) ++j;
    bool hit = false;
    for (std::size_t k = j; k < det_s.size() && det_s[k] <= r + window_s; ++k)
      if (!used[k]) {
        used[k] = true;
        hit = true;
        break;
      }
    hit ? ++s.tp : ++s.fn;
  }
  for (bool u : used) s.fp += u ? 0 : 1;
  return s;
}

std::vector<float> to_float(std::vector<double> const& v) {
  std::vector<float> f(v.size());
  std::transform(v.begin(), v.end(), f.begin(), [](double x) { return static_cast<float>(x); });
  return f;
}

std::vector<double> times_of(std::vector<RPeak> const& peaks, double fs) {
  std::vector<double> t;
  for (auto const& p : peaks) t.push_back(static_cast<double>(p.sample) / fs);
  return t;
}

/// A synthetic ECG: Gaussian P, QRS, T waves at the given beat times, baseline wander, noise.
std::vector<float> synthetic_ecg(std::vector<double> const& beats, double fs, double seconds, double sign = 1) {
  std::vector<float> x(static_cast<std::size_t>(seconds * fs));
  std::mt19937 rng(5);
  std::normal_distribution<double> n(0, 0.02);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    double v = 0.2 * std::sin(2 * std::numbers::pi * 0.25 * t) + n(rng);
    for (double b : beats) {
      if (std::abs(t - b) > 0.6) continue;
      auto g = [&](double c, double w, double a) { return a * std::exp(-0.5 * std::pow((t - b - c) / w, 2)); };
      v += sign * (g(-0.16, 0.025, 0.15) + g(-0.025, 0.008, -0.15) + g(0, 0.010, 1.2) + g(0.025, 0.008, -0.3) +
                   g(0.25, 0.05, 0.35));
    }
    x[i] = static_cast<float>(v);
  }
  return x;
}
} // namespace

TEST_CASE("rpeak: MIT-BIH 100 sensitivity and positive predictivity >= 99.5 pct", "[dsp][heart]") {
  auto dir = pneuma::test::shared_path("data/mitdb_100");
  if (!dir) return;
  const auto ecg = to_float(pneuma::test::read_csv_column((*dir / "mitdb_100_360hz.csv").string(), "MLII_mV"));
  const auto ann_t = pneuma::test::read_csv_column((*dir / "mitdb_100_annotations.csv").string(), "time_s");
  const auto is_beat = pneuma::test::read_csv_column((*dir / "mitdb_100_annotations.csv").string(), "is_beat");
  std::vector<double> ref;
  for (std::size_t i = 0; i < ann_t.size(); ++i)
    if (is_beat[i] == 1) ref.push_back(ann_t[i]);
  REQUIRE(ref.size() == 2273);
  const auto peaks = detect_r_peaks(ecg, SampleRate(360));
  const Score s = match(ref, times_of(peaks, 360), 0.150);
  std::cout << "MIT-BIH 100: TP " << s.tp << " FN " << s.fn << " FP " << s.fp << " Se " << s.se()
            << " % +P " << s.ppv() << " %\n";
  CHECK(s.se() >= 99.5);
  CHECK(s.ppv() >= 99.5);
  // Decision delay of regular beats stays within the live budget.
  double worst = 0;
  for (auto const& p : peaks)
    if (!p.search_back && p.sample > 2 * 360) worst = std::max(worst, static_cast<double>(p.decided_at - p.sample) / 360);
  std::cout << "MIT-BIH 100: worst decision delay " << worst * 1000 << " ms\n";
  CHECK(worst <= 0.300);
}

TEST_CASE("rpeak: inverted MIT-BIH 100 is detected as well", "[dsp][heart]") {
  auto dir = pneuma::test::shared_path("data/mitdb_100");
  if (!dir) return;
  auto ecg = to_float(pneuma::test::read_csv_column((*dir / "mitdb_100_360hz.csv").string(), "MLII_mV"));
  for (auto& v : ecg) v = -v;
  const auto ann_t = pneuma::test::read_csv_column((*dir / "mitdb_100_annotations.csv").string(), "time_s");
  const auto is_beat = pneuma::test::read_csv_column((*dir / "mitdb_100_annotations.csv").string(), "is_beat");
  std::vector<double> ref;
  for (std::size_t i = 0; i < ann_t.size(); ++i)
    if (is_beat[i] == 1) ref.push_back(ann_t[i]);
  const Score s = match(ref, times_of(detect_r_peaks(ecg, SampleRate(360)), 360), 0.150);
  std::cout << "MIT-BIH 100 inverted: Se " << s.se() << " % +P " << s.ppv() << " %\n";
  CHECK(s.se() >= 99.5);
  CHECK(s.ppv() >= 99.5);
}

TEST_CASE("rpeak: NeuroKit 1000 Hz example agrees with NeuroKit's R peaks", "[dsp][heart]") {
  auto dir = pneuma::test::shared_path("data/neurokit_ecg_1000hz");
  auto ref = pneuma::test::shared_path("reference/neurokit/neurokit_ecg_1000hz__ECG.json");
  if (!dir || !ref) return;
  const auto ecg = to_float(pneuma::test::read_csv_column((*dir / "ecg_1000hz.csv").string(), "ECG"));
  const auto nk = pneuma::test::json_number_list(pneuma::test::read_text(ref->string()), "r_peaks");
  std::vector<double> nk_s;
  for (double v : nk) nk_s.push_back(v / 1000.0);
  auto peaks = detect_r_peaks(ecg, SampleRate(1000));
  // The record opens inside an R wave (maximum 0.97 at sample ~17): we report that truncated beat,
  // NeuroKit (zero-phase filter edge) does not. Compare from 0.3 s on.
  REQUIRE(!peaks.empty());
  CHECK(peaks.front().sample < 100);
  peaks.erase(peaks.begin(), std::find_if(peaks.begin(), peaks.end(), [](RPeak const& p) { return p.sample > 300; }));
  const Score s = match(nk_s, times_of(peaks, 1000), 0.150);
  // Fiducials: within 5 ms of NeuroKit's except where NeuroKit is off the R wave. Its peak at
  // sample 4076 sits on the S-T segment (ECG -0.20); the R maximum (0.96) is at ~4019, where we put it.
  int close = 0;
  for (std::size_t i = 0; i < peaks.size() && i < nk.size(); ++i) {
    close += std::abs(static_cast<double>(peaks[i].sample) - nk[i]) <= 5 ? 1 : 0;
    const auto at = static_cast<std::size_t>(peaks[i].sample);
    const auto lo = at - 50, hi = std::min(ecg.size() - 1, at + 50);
    const auto apex = std::max_element(ecg.begin() + static_cast<long>(lo), ecg.begin() + static_cast<long>(hi) + 1);
    CHECK(std::abs(static_cast<long>(apex - ecg.begin()) - static_cast<long>(at)) <= 5); // within 5 ms of the apex
  }
  std::cout << "neurokit_ecg_1000hz: ours " << peaks.size() << " NeuroKit " << nk_s.size() << " matched " << s.tp
            << ", fiducial within 5 ms: " << close << "\n";
  CHECK(s.fn == 0);
  CHECK(s.fp == 0);
  CHECK(close >= static_cast<int>(nk.size()) - 1);
}

TEST_CASE("rpeak: 130 Hz synthetic ECG, both polarities, with a dropped beat amplitude", "[dsp][heart]") {
  std::vector<double> beats;
  for (double t = 0.5; t < 60; t += 0.8 + 0.05 * std::sin(t)) beats.push_back(t);
  for (double sign : {1.0, -1.0}) {
    const auto x = synthetic_ecg(beats, 130, 60, sign);
    const auto peaks = detect_r_peaks(x, SampleRate(130));
    const Score s = match(beats, times_of(peaks, 130), 0.05);
    CHECK(s.fn == 0);
    CHECK(s.fp == 0);
  }
}

TEST_CASE("rpeak: flat, NaN and clipped ECG do not crash and give no false beats", "[dsp][heart]") {
  std::vector<float> flat(130 * 20, 0.5F);
  CHECK(detect_r_peaks(flat, SampleRate(130)).empty());
  std::vector<float> nan(130 * 20, std::nanf(""));
  RPeakDetector det(SampleRate(130));
  int beats = 0;
  for (float v : nan) beats += det.process(v) ? 1 : 0;
  CHECK(beats == 0);
  CHECK(det.invalid_samples() == nan.size());
  std::vector<double> t;
  for (double b = 0.5; b < 30; b += 0.9) t.push_back(b);
  auto x = synthetic_ecg(t, 250, 30);
  for (auto& v : x) v = std::clamp(v, -0.3F, 0.6F); // clipped amplifier
  const Score s = match(t, times_of(detect_r_peaks(x, SampleRate(250)), 250), 0.1);
  CHECK(s.se() > 95);
  CHECK(s.ppv() > 95);
  CHECK_THROWS_AS(RPeakDetector(SampleRate(10)), std::invalid_argument);
}
