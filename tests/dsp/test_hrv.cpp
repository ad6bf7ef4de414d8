#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>

#include "pneuma/dsp/dfa.hpp"
#include "pneuma/dsp/hrv.hpp"
#include "pneuma/dsp/lomb.hpp"
#include "pneuma/dsp/sampen.hpp"
#include "pneuma/dsp/welch.hpp"
#include "support/shared_data.hpp"
#include "test_rr_support.hpp"

using namespace pneuma::dsp;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
struct Series {
  std::vector<double> nn; ///< NaN marks a break (non-successive intervals)
  std::vector<double> t;  ///< beat times, s
};

/// A reference RR CSV as NN: intervals not flagged normal_to_normal are breaks.
Series load_rr(std::string const& path, bool nn_only) {
  Series s;
  const auto rr = pneuma::test::read_csv_column(path, "rr_ms");
  s.t = pneuma::test::read_csv_column(path, "beat_time_s");
  std::vector<double> flag(rr.size(), 1.0);
  if (nn_only) flag = pneuma::test::read_csv_column(path, "normal_to_normal");
  for (std::size_t i = 0; i < rr.size(); ++i) s.nn.push_back(flag[i] == 1 ? rr[i] : std::nan(""));
  return s;
}

nlohmann::json reference(std::string const& name) {
  auto p = pneuma::test::shared_path("reference/neurokit/" + name);
  if (!p) return {};
  std::ifstream in(*p);
  return nlohmann::json::parse(in)["hrv"];
}

/// Brute-force sample entropy (Richman & Moorman), the definition itself: O(N^2).
double sampen_direct(std::vector<double> const& x, int m, double r) {
  const std::size_t n = x.size() - static_cast<std::size_t>(m);
  long long a = 0, b = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      double d = 0;
      for (int k = 0; k < m; ++k) d = std::max(d, std::abs(x[i + static_cast<std::size_t>(k)] - x[j + static_cast<std::size_t>(k)]));
      if (d > r) continue;
      ++b;
      if (std::abs(x[i + static_cast<std::size_t>(m)] - x[j + static_cast<std::size_t>(m)]) <= r) ++a;
    }
  return -std::log(static_cast<double>(a) / static_cast<double>(b));
}

std::vector<double> sine_rr(double f_hz, double amp, double mean, double seconds) {
  std::vector<double> rr;
  double t = 0;
  while (t < seconds) {
    rr.push_back(mean + amp * std::sin(2 * std::numbers::pi * f_hz * t));
    t += rr.back() / 1000;
  }
  return rr;
}
} // namespace

TEST_CASE("hrv: constant RR gives zero variability and undefined ratios", "[dsp][heart]") {
  const std::vector<double> rr(400, 800.0);
  const auto h = compute_hrv(rr);
  CHECK_THAT(h.time.mean_nn_ms, WithinRel(800.0, 1e-12));
  CHECK_THAT(h.time.mean_hr_bpm, WithinRel(75.0, 1e-12));
  CHECK_THAT(h.time.median_nn_ms, WithinRel(800.0, 1e-12));
  for (double v : {h.time.sdnn_ms, h.time.rmssd_ms, h.time.sdsd_ms, h.time.pnn50_pct, h.time.sd1_ms, h.time.sd2_ms})
    CHECK_THAT(v, WithinAbs(0.0, 1e-9));
  CHECK(std::isnan(h.time.stress_index)); // MxDMn = 0: undefined, not infinite
  CHECK(h.freq.lf_ms2 < 1e-6);
  CHECK(h.freq.hf_ms2 < 1e-6);
  CHECK(std::isnan(h.dfa_alpha1));       // flat profile
  CHECK(std::isnan(h.sampen) == false);  // every template matches: -ln(1) = 0
  CHECK_THAT(h.sampen, WithinAbs(0.0, 1e-12));
}

TEST_CASE("hrv: alternating RR has closed-form time domain and its spectrum above HF", "[dsp][heart]") {
  std::vector<double> rr;
  for (int i = 0; i < 600; ++i) rr.push_back(i % 2 ? 830.0 : 770.0);
  const double n = 600;
  const auto h = compute_hrv(rr);
  CHECK_THAT(h.time.mean_nn_ms, WithinRel(800.0, 1e-12));
  CHECK_THAT(h.time.sdnn_ms, WithinRel(30.0 * std::sqrt(n / (n - 1)), 1e-9));
  CHECK_THAT(h.time.rmssd_ms, WithinRel(60.0, 1e-12));
  // diffs +60/-60 alternate, 599 of them: mean 60/599, sd with n-1
  const double md = 60.0 / 599;
  CHECK_THAT(h.time.sdsd_ms, WithinRel(std::sqrt((300 * std::pow(60 - md, 2) + 299 * std::pow(-60 - md, 2)) / 598), 1e-9));
  CHECK_THAT(h.time.pnn50_pct, WithinRel(100.0, 1e-12));
  CHECK_THAT(h.time.sd1_ms, WithinRel(h.time.sdsd_ms / std::sqrt(2.0), 1e-12));
  CHECK_THAT(h.time.sd2_ms, WithinAbs(0.0, 1e-9));
  // Two 50 ms bins (750-800: 770; 800-850: 830) hold 300 each; the first wins ties: Mo 0.775 s, AMo 50 %.
  CHECK_THAT(h.time.stress_index, WithinRel(50.0 / (2 * 0.775 * 0.060), 1e-9));
  // Period 2 beats = 1.6 s: 0.625 Hz, above HF; LF and HF hold almost nothing.
  CHECK(h.freq.hf_ms2 < 0.01 * 900);
  CHECK(h.freq.lf_ms2 < 0.01 * 900);
  CHECK(h.dfa_alpha1 < 0.2); // perfectly anti-correlated
  CHECK_THAT(h.sampen, WithinAbs(0.0, 1e-12));
}

TEST_CASE("hrv: sinusoidal RR at 0.1 Hz puts its power and peak in LF", "[dsp][heart]") {
  const auto rr = sine_rr(0.1, 50, 1000, 600);
  const auto h = compute_hrv(rr);
  // Beats sample short intervals more often: the beat mean is mean - A^2 / (2 mean).
  CHECK_THAT(h.time.mean_nn_ms, WithinAbs(1000.0 - 2500.0 / 2000.0, 0.1));
  CHECK_THAT(h.time.sdnn_ms, WithinRel(50 / std::sqrt(2.0), 0.01));
  // Samples ~1 s apart on a 10 s sine: |d| = 2 A sin(pi f T) |cos|, RMS = sqrt 2 A sin(pi f T)
  CHECK_THAT(h.time.rmssd_ms, WithinRel(std::sqrt(2.0) * 50 * std::sin(std::numbers::pi * 0.1), 0.01));
  CHECK_THAT(h.freq.lf_ms2, WithinRel(1250.0, 0.03)); // variance A^2/2
  CHECK(h.freq.hf_ms2 < 0.01 * h.freq.lf_ms2);
  CHECK_THAT(h.freq.lf_peak_hz, WithinAbs(0.1, 0.004));
  CHECK_THAT(h.freq.lf_lomb_ms2, WithinRel(1250.0, 0.05));
  CHECK(h.freq.lf_hf > 100);
  CHECK(h.dfa_alpha1 > 1.0); // smooth oscillation: strongly correlated at short scales
  CHECK(h.sampen < 0.5);     // highly regular
  // SD1/SD2 from the ellipse of a sampled sine: SD1 = RMSSD/sqrt2-ish, SD2 close to sqrt(2) SDNN
  CHECK_THAT(h.time.sd1_ms, WithinRel(h.time.sdsd_ms / std::sqrt(2.0), 1e-12));
  CHECK_THAT(h.time.sd2_ms * h.time.sd2_ms + h.time.sd1_ms * h.time.sd1_ms,
             WithinRel(2 * h.time.sdnn_ms * h.time.sdnn_ms, 0.01));
}

TEST_CASE("hrv: Welch and Lomb-Scargle give a sine's variance and white noise's density", "[dsp][heart]") {
  std::vector<double> x(4096), t(4096);
  for (std::size_t i = 0; i < x.size(); ++i) {
    t[i] = static_cast<double>(i) / 4.0;
    x[i] = 10 * std::sin(2 * std::numbers::pi * 0.2 * t[i]);
  }
  const auto w = welch_psd(x, SampleRate(4), 1024);
  CHECK_THAT(w.band_power(0.15, 0.25), WithinRel(50.0, 0.01));
  const auto l = lomb_scargle_psd(t, x, 0.01, 0.5, 0.0005);
  CHECK_THAT(l.band_power(0.15, 0.25), WithinRel(50.0, 0.03));
  std::mt19937 rng(1);
  std::normal_distribution<double> n(0, 3);
  for (auto& v : x) v = n(rng);
  const auto wn = welch_psd(x, SampleRate(4), 256);
  CHECK_THAT(wn.band_power(0.1, 1.9), WithinRel(9.0 * 1.8 / 2.0, 0.08));
}

TEST_CASE("hrv: fast sample entropy equals the direct count", "[dsp][heart]") {
  std::mt19937 rng(7);
  std::normal_distribution<double> n(0, 40);
  std::vector<double> x;
  double ar = 0;
  for (int i = 0; i < 1500; ++i) {
    ar = 0.7 * ar + n(rng);
    x.push_back(std::round(800 + ar)); // integers: ties exercise the equal-slot handling
  }
  for (int m : {1, 2, 3})
    for (double r : {5.0, 12.0, 30.0}) CHECK_THAT(sample_entropy_r(x, m, r), WithinRel(sampen_direct(x, m, r), 1e-12));
  // Continuous values: > 4e6 distinct (y, z) pairs would be needed for the dense counter, so the
  // general Fenwick-of-sorted-lists path runs; it must agree too.
  std::vector<double> big;
  for (int i = 0; i < 2500; ++i) {
    ar = 0.7 * ar + n(rng);
    big.push_back(800 + ar + 1e-3 * i);
  }
  CHECK_THAT(sample_entropy_r(big, 2, 15.0), WithinRel(sampen_direct(big, 2, 15.0), 1e-12));
}

TEST_CASE("hrv: time domain of MIT-BIH 100 NN beats equals an independent computation", "[dsp][heart]") {
  auto p = pneuma::test::shared_path("data/mitdb_100/mitdb_100_rr.csv");
  if (!p) return;
  const Series s = load_rr(p->string(), true);
  // Independent: plain loops over the CSV, successive pairs only when both intervals are N-N.
  double sum = 0, n = 0, ss = 0, sd2 = 0, nd = 0, over = 0;
  for (double v : s.nn)
    if (!std::isnan(v)) sum += v, n += 1;
  const double mean = sum / n;
  for (std::size_t i = 0; i < s.nn.size(); ++i) {
    if (std::isnan(s.nn[i])) continue;
    ss += (s.nn[i] - mean) * (s.nn[i] - mean);
    if (i > 0 && !std::isnan(s.nn[i - 1])) {
      const double d = s.nn[i] - s.nn[i - 1];
      sd2 += d * d;
      nd += 1;
      over += std::abs(d) > 50 ? 1 : 0;
    }
  }
  const auto h = hrv_time(s.nn);
  CHECK_THAT(h.mean_nn_ms, WithinRel(mean, 0.005));
  CHECK_THAT(h.sdnn_ms, WithinRel(std::sqrt(ss / (n - 1)), 0.005));
  CHECK_THAT(h.rmssd_ms, WithinRel(std::sqrt(sd2 / nd), 0.005));
  CHECK_THAT(h.pnn50_pct, WithinRel(100 * over / nd, 0.005));
  CHECK_THAT(h.mean_hr_bpm, WithinRel(60000 / mean, 0.005));
}

TEST_CASE("hrv: agrees with NeuroKit2 on the reference RR series", "[dsp][heart]") {
  struct Case {
    std::string data, ref;
    bool nn_only;
  };
  const std::vector<Case> cases = {{"data/mitdb_100/mitdb_100_rr.csv", "mitdb_100__rr_nn.json", true},
                                   {"data/mitdb_100/mitdb_100_rr.csv", "mitdb_100__rr_all.json", false},
                                   {"data/ltdb_14046/ltdb_14046_rr.csv", "ltdb_14046__rr_nn.json", true},
                                   {"data/nsr2db_nsr001/nsr001_rr.csv", "nsr2db_nsr001__rr.json", false},
                                   {"data/rr_healthy_000/rr_healthy_000_rr.csv", "rr_healthy_000__rr.json", false}};
  // Every file first: a missing one skips the test before any check.
  std::vector<std::pair<std::filesystem::path, nlohmann::json>> inputs;
  for (auto const& c : cases) {
    const auto p = pneuma::test::shared_path(c.data);
    if (!p) return;
    const auto ref = reference(c.ref);
    if (ref.is_null()) return;
    inputs.emplace_back(*p, ref);
  }
  for (std::size_t i = 0; i < cases.size(); ++i) {
    auto const& c = cases[i];
    auto const& ref = inputs[i].second;
    const Series s = load_rr(inputs[i].first.string(), c.nn_only);
    HrvOptions nk_like; // NeuroKit2's choices, to check the implementation (the defaults: next test)
    nk_like.frequency.detrend_lambda = 0;
    // NeuroKit's Welch window: 2 / (lowest band edge) s, the lowest band whose window fits twice.
    const double duration = s.t.back() - s.t.front();
    for (double f_min : {0.001, 0.0033, 0.04, 0.15})
      if (2 / f_min <= duration / 2) {
        nk_like.frequency.welch_segment_s = 2 / f_min;
        break;
      }
    nk_like.dfa1_min = 4;
    nk_like.dfa1_max = 11;
    nk_like.nonlinear = true;
    const auto h = compute_hrv(s.nn, s.t, nk_like);
    const auto d = compute_hrv(s.nn, s.t);
    for (auto [ours, key] : std::initializer_list<std::pair<double, char const*>>{
             {h.time.mean_nn_ms, "MeanNN"}, {h.time.sdnn_ms, "SDNN"}, {h.time.rmssd_ms, "RMSSD"}, {h.time.sdsd_ms, "SDSD"},
             {h.time.sd1_ms, "SD1"}, {h.time.sd2_ms, "SD2"}}) {
      INFO(c.ref << " " << key);
      CHECK_THAT(ours, WithinRel(ref[key].get<double>(), 0.01));
    }
    INFO(c.ref);
    CHECK_THAT(h.time.pnn50_pct, WithinRel(ref["pNN50"].get<double>(), 0.01));
    CHECK_THAT(h.dfa_alpha1, WithinAbs(ref["DFA_alpha1"].get<double>(), 0.05));
    CHECK_THAT(h.freq.lf_hf, WithinRel(ref["LFHF"].get<double>(), 0.10));
    // NeuroKit's powers are on its own PSD scale (reference/README.md); the shares are not.
    const double nk_total = ref["VLF"].get<double>() + ref["LF"].get<double>() + ref["HF"].get<double>();
    if (nk_total > 0) {
      INFO("VLF share, ours " << h.freq.vlf_ms2 / (h.freq.vlf_ms2 + h.freq.lf_ms2 + h.freq.hf_ms2));
      CHECK_THAT(h.freq.vlf_ms2 / (h.freq.vlf_ms2 + h.freq.lf_ms2 + h.freq.hf_ms2),
                 WithinAbs(ref["VLF"].get<double>() / nk_total, 0.05));
    }
    if (!ref["SampEn"].is_null()) CHECK_THAT(d.sampen, WithinRel(ref["SampEn"].get<double>(), 0.01));
    // The shipped detrending (smoothness priors) removes slow power only: LF/HF can only fall
    // below NeuroKit's undetrended value, never rise above it.
    CHECK(d.freq.lf_hf <= ref["LFHF"].get<double>() * 1.02);
    CHECK(d.freq.lf_hf >= ref["LFHF"].get<double>() * 0.6);
    // Lomb-Scargle is O(beats x frequencies): computed up to 20000 beats, NaN (unknown) above.
    CHECK(std::isnan(d.freq.lf_hf_lomb) == (s.t.size() > 20000));
  }
}

TEST_CASE("hrv: the shipped defaults detrend, fit DFA alpha2 and give Lomb powers as worked by hand", "[dsp][heart]") {
  // The documented defaults (docs: 4 Hz spline, smoothness priors lambda 500, Welch 256 s, DFA
  // alpha1 over 4-16 beats and alpha2 over 16-64, Lomb-Scargle beside Welch).
  const HrvOptions defaults;
  CHECK(defaults.frequency.resample_hz == 4.0);
  CHECK(defaults.frequency.detrend_lambda == 500.0);
  CHECK(defaults.frequency.welch_segment_s == 256.0);
  CHECK(defaults.frequency.lomb);
  CHECK(defaults.dfa1_min == 4);
  CHECK(defaults.dfa1_max == 16);
  CHECK(defaults.dfa2_min == 16);
  CHECK(defaults.dfa2_max == 64);
  // 900 ms + VLF 0.01 Hz (40 ms) + LF 0.1 Hz (30 ms) + HF 0.25 Hz (15 ms): band powers A^2/2 are
  // 800, 450 and 112.5 ms^2.
  std::vector<double> rr, t;
  for (double now = 0; now < 900;) {
    rr.push_back(900 + 40 * std::sin(2 * std::numbers::pi * 0.01 * now) + 30 * std::sin(2 * std::numbers::pi * 0.1 * now) +
                 15 * std::sin(2 * std::numbers::pi * 0.25 * now));
    now += rr.back() / 1000;
    t.push_back(now);
  }
  HrvOptions raw;
  raw.frequency.detrend_lambda = 0;
  const auto r = compute_hrv(rr, t, raw);
  const auto d = compute_hrv(rr, t);
  // Without detrending every band holds its sine (5 %: Welch's Hann window and beat sampling).
  CHECK_THAT(r.freq.vlf_ms2, WithinRel(800.0, 0.10));
  CHECK_THAT(r.freq.lf_ms2, WithinRel(450.0, 0.05));
  CHECK_THAT(r.freq.hf_ms2, WithinRel(112.5, 0.05));
  // Smoothness priors (Tarvainen 2002) remove a trend whose response is 1 / (1 + l^2 (2 sin(pi f / fs))^4):
  // what is left of the power at 4 Hz, lambda 500 is 0.987 at 0.1 Hz and 1.000 at 0.25 Hz.
  // VLF lies inside the detrend's own cut-off, so it is measured on the series before detrending.
  CHECK_THAT(d.freq.vlf_ms2, WithinRel(r.freq.vlf_ms2, 1e-9));
  INFO("LF detrended / raw " << d.freq.lf_ms2 / r.freq.lf_ms2);
  CHECK(d.freq.lf_ms2 < r.freq.lf_ms2);
  CHECK_THAT(d.freq.lf_ms2, WithinRel(450.0 * 0.987, 0.05));
  CHECK_THAT(d.freq.hf_ms2, WithinRel(112.5, 0.05));
  CHECK_THAT(d.freq.lf_hf, WithinRel(450.0 * 0.987 / 112.5, 0.07));
  // Lomb-Scargle on the beats themselves: the same LF and HF sines, LF/HF 4 (10 %: no window,
  // uneven samples, the VLF sine's leakage).
  CHECK_THAT(d.freq.lf_hf_lomb, WithinRel(4.0, 0.10));
  CHECK_THAT(d.freq.hf_lomb_ms2, WithinRel(112.5, 0.10));
  // DFA alpha2 (16-64 beats): white noise has alpha 0.5, its running sum (Brownian) 1.5, at every
  // scale (Peng 1995); 4000 beats give a slope within 0.1 of that.
  std::mt19937 rng(11);
  std::normal_distribution<double> noise(0, 30);
  std::vector<double> white, brown;
  double walk = 0;
  for (int i = 0; i < 4000; ++i) {
    white.push_back(800 + noise(rng));
    walk += noise(rng) / 10;
    brown.push_back(800 + walk);
  }
  CHECK_THAT(compute_hrv(white).dfa_alpha2, WithinAbs(0.5, 0.1));
  CHECK_THAT(compute_hrv(brown).dfa_alpha2, WithinAbs(1.5, 0.1));
}

TEST_CASE("hrv: empty, tiny, NaN-only and absurd series give NaN or flags, never a crash", "[dsp][heart]") {
  const std::vector<double> empty, one = {800}, nans(50, std::nan("")), absurd = {10, 10000, 10, 10000, 800, 900};
  for (auto const* s : {&empty, &one, &nans}) {
    const auto h = compute_hrv(*s);
    CHECK(std::isnan(h.time.rmssd_ms));
    CHECK(std::isnan(h.freq.lf_ms2));
    CHECK(std::isnan(h.dfa_alpha1));
    CHECK(std::isnan(h.sampen));
    CHECK(h.poor_quality);
  }
  const auto h = compute_hrv(absurd);
  CHECK(std::isfinite(h.time.rmssd_ms));
  CHECK(h.poor_quality); // 6 beats are not 60 s of data
  CHECK(std::isnan(sample_entropy(empty)));
  CHECK(std::isnan(dfa_alpha(one, {4, 16})));
  CHECK_THROWS_AS(welch_psd(empty, SampleRate(4), 1024), std::invalid_argument);
}
