// The causal respiration pipeline on synthetic breathing with known ends of inspiration:
// latency, pace steps, sighs, drift, clipping, shallow breaths, noise, extreme rates and sampling
// rates, polarity, gaps, pacer compliance.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <numbers>

#include "dsp/test_resp_common.hpp"
#include "dsp/test_resp_synth.hpp"
#include "pneuma/dsp/resp_compliance.hpp"
#include "pneuma/dsp/resp_offline.hpp"

using namespace pneuma::dsp;
using namespace pneuma::test;

namespace {

struct Scored {
  Match match;
  double max_latency_s = 0;  ///< max over matched breaths of reported_s - true peak
  double max_peak_err_s = 0; ///< max |detected peak - true peak|
};

Scored score(RespRun const& run, SynthSignal const& sig, double skip_s = 0.0) {
  std::vector<double> truth;
  for (double p : sig.peaks_s)
    if (p >= skip_s) truth.push_back(p);
  std::vector<double> det;
  for (auto const& b : run.breaths)
    if (b.peak_s >= skip_s - 0.75) det.push_back(b.peak_s);
  Scored s;
  s.match = match_events(det, truth, 0.75);
  for (auto const& b : run.breaths) {
    double best = 1e9;
    for (double p : truth)
      if (std::abs(p - b.peak_s) < std::abs(best)) best = p - b.peak_s;
    if (std::abs(best) > 0.75) continue;
    const double true_peak = b.peak_s + best;
    s.max_latency_s = std::max(s.max_latency_s, b.reported_s - true_peak);
    s.max_peak_err_s = std::max(s.max_peak_err_s, std::abs(best));
  }
  return s;
}

/// Cuts the signal at the last breath's onset, so every remaining true peak has its whole exhale
/// after it (the end of a recording cannot confirm a peak it has not seen fall).
SynthSignal trim_tail(SynthSignal s, double fs) {
  const double end = s.onsets_s.back();
  s.x.resize(static_cast<std::size_t>(std::ceil(end * fs)));
  std::erase_if(s.peaks_s, [end](double p) { return p > end; });
  s.onsets_s.pop_back();
  return s;
}

} // namespace

TEST_CASE("resp pipeline: every breath reported within 0.5 s of its end of inspiration", "[dsp][resp]") {
  for (double fs : {10.0, 25.0, 100.0, 250.0, 1000.0}) {
    for (double bpm : {3.0, 6.0, 12.0, 20.0, 30.0, 40.0}) {
      SynthOptions o;
      o.fs = fs;
      o.noise_sd = 0.01;
      o.offset = 2000;
      o.scale = 3.0;
      const int n = std::max(8, static_cast<int>(bpm * 2)); // >= 2 min (>= 8 breaths at 3/min)
      const auto sig = trim_tail(synth_breathing(steady(bpm, n, 0.03, 0.08), o), fs);
      const auto run = run_resp(sig.x, fs, {});
      const Scored s = score(run, sig);
      INFO("fs " << fs << " Hz, " << bpm << "/min: tp " << s.match.tp << " fp " << s.match.fp
                 << " fn " << s.match.fn << " latency " << s.max_latency_s << " s, peak error "
                 << s.max_peak_err_s << " s");
      CHECK(s.match.fp == 0);
      CHECK(s.match.fn == 0);
      CHECK(s.max_latency_s <= 0.5);
      CHECK(s.max_peak_err_s <= 0.2 + 0.02 * 60 / bpm); // flat tops of slow breaths: 2 % of a cycle
    }
  }
}

TEST_CASE("resp pipeline: a step of pace is followed within 2 breaths", "[dsp][resp]") {
  const std::pair<double, double> steps[] = {{6, 12}, {12, 6}, {6, 4.5}, {10, 15}, {15, 10}, {6, 7}, {20, 30}};
  for (auto [from, to] : steps) {
    auto breaths = steady(from, static_cast<int>(from * 1.5), 0.01);
    const std::size_t first_new = breaths.size();
    for (auto const& b : steady(to, static_cast<int>(to * 1.0), 0.01, 0.0, 11)) breaths.push_back(b);
    SynthOptions o;
    o.fs = 50;
    o.noise_sd = 0.01;
    const auto sig = synth_breathing(breaths, o);
    RespAnalyzer a({}, SampleRate(o.fs));
    int new_breaths = 0;
    double rate_after_two = NAN;
    const double step_peak = sig.peaks_s[first_new]; // first peak of the new pace
    for (double v : sig.x) {
      const unsigned ev = a.process(static_cast<float>(v));
      if ((ev & kRespNewBreath) && a.last_breath().peak_s > step_peak - 0.75 && ++new_breaths == 2)
        rate_after_two = a.metrics().rate_bpm;
    }
    INFO(from << " -> " << to << "/min: rate after 2 new breaths " << rate_after_two);
    CHECK(std::abs(rate_after_two - to) <= 0.5);
    CHECK(std::abs(a.metrics().rate_bpm - to) <= 0.3);
  }
}

TEST_CASE("resp pipeline: sighs are flagged and neither add nor lose breaths", "[dsp][resp]") {
  auto breaths = steady(12, 60, 0.05, 0.08);
  for (std::size_t i = 10; i < breaths.size(); i += 12) {
    breaths[i].depth = 2.4;
    breaths[i].period_s *= 1.4;
  }
  SynthOptions o;
  o.noise_sd = 0.01;
  const auto sig = trim_tail(synth_breathing(breaths, o), o.fs);
  const auto run = run_resp(sig.x, o.fs);
  const Scored s = score(run, sig);
  CHECK(s.match.fp == 0);
  CHECK(s.match.fn == 0);
  int sighs = 0;
  for (auto const& b : run.breaths) sighs += b.sigh;
  CHECK(sighs == 5);
}

TEST_CASE("resp pipeline: strong baseline drift does not cost breaths", "[dsp][resp]") {
  for (double drift : {-3.0, 2.0, 5.0}) { // depth units per minute
    SynthOptions o;
    o.noise_sd = 0.02;
    o.drift_per_min = drift;
    const auto sig = trim_tail(synth_breathing(steady(8, 30, 0.08, 0.1), o), o.fs);
    const auto run = run_resp(sig.x, o.fs);
    const Scored s = score(run, sig);
    INFO("drift " << drift << "/min: fp " << s.match.fp << " fn " << s.match.fn);
    CHECK(s.match.f1() >= 0.98);
  }
}

TEST_CASE("resp pipeline: shallow breaths between deep ones are counted", "[dsp][resp]") {
  auto breaths = steady(14, 60, 0.05);
  for (std::size_t i = 0; i < breaths.size(); ++i) breaths[i].depth = (i % 3 == 2) ? 0.45 : 1.0;
  SynthOptions o;
  o.noise_sd = 0.01;
  const auto sig = trim_tail(synth_breathing(breaths, o), o.fs);
  const Scored s = score(run_resp(sig.x, o.fs), sig);
  CHECK(s.match.fn == 0);
  CHECK(s.match.fp == 0);
}

TEST_CASE("resp pipeline: white noise at 10 % of the depth", "[dsp][resp]") {
  SynthOptions o;
  o.fs = 100;
  o.noise_sd = 0.10;
  const auto sig = trim_tail(synth_breathing(steady(15, 75, 0.1, 0.1), o), o.fs);
  const auto run = run_resp(sig.x, o.fs);
  const Scored s = score(run, sig);
  CHECK(s.match.f1() >= 0.98);
  CHECK(run.metrics.quality > 0.5);
}

TEST_CASE("resp pipeline: clipped tops give the plateau and raise the clipping flag", "[dsp][resp]") {
  SynthOptions o;
  o.fs = 50;
  auto sig = trim_tail(synth_breathing(steady(10, 40, 0.03), o), o.fs);
  for (double& v : sig.x) v = std::min(v, 0.75); // the belt's range ends at 75 % of a breath
  RespAnalyzer a({}, SampleRate(o.fs));
  double clipped_max = 0;
  for (double v : sig.x) {
    a.process(static_cast<float>(v));
    clipped_max = std::max(clipped_max, a.metrics().clipped_fraction);
  }
  CHECK(clipped_max > 0.05);
  const auto run = run_resp(sig.x, o.fs);
  const Scored s = score(run, sig);
  CHECK(s.match.fn == 0);
  CHECK(s.match.fp == 0);
  CHECK(s.max_peak_err_s <= 0.75); // inside the flat top
}

TEST_CASE("resp pipeline: inspiration downwards is found automatically, or can be set", "[dsp][resp]") {
  SynthOptions o;
  o.polarity = -1;
  o.noise_sd = 0.01;
  const auto sig = trim_tail(synth_breathing(steady(12, 60, 0.05, 0.05), o), o.fs);
  RespAnalyzerConfig automatic;
  RespAnalyzer a(automatic, SampleRate(o.fs));
  double flipped_at = NAN;
  for (std::size_t i = 0; i < sig.x.size(); ++i)
    if (a.process(static_cast<float>(sig.x[i])) & kRespPolarityChanged) flipped_at = static_cast<double>(i) / o.fs;
  CHECK(a.metrics().polarity == RespPolarity::down);
  CHECK(flipped_at <= 120.0);
  // After the flip, the ends of inspiration are the signal's minima.
  const auto run = run_resp(sig.x, o.fs);
  const Scored s = score(run, sig, flipped_at + 1.0);
  CHECK(s.match.f1() >= 0.98);

  RespAnalyzerConfig down;
  down.polarity = RespPolarity::down;
  const auto fixed = run_resp(sig.x, o.fs, down);
  CHECK(score(fixed, sig).match.f1() >= 0.98);
  // An upright signal stays upright.
  SynthOptions up = o;
  up.polarity = 1;
  const auto upright = run_resp(trim_tail(synth_breathing(steady(12, 60, 0.05, 0.05), up), up.fs).x, up.fs);
  CHECK(upright.metrics.polarity == RespPolarity::up);
}

TEST_CASE("resp pipeline: per-breath timing, I:E, rate, regularity", "[dsp][resp]") {
  SynthOptions o;
  o.fs = 100;
  o.inhale_frac = 0.4; // I:E = 0.4 / 0.6
  const auto sig = trim_tail(synth_breathing(steady(10, 30), o), o.fs);
  const auto run = run_resp(sig.x, o.fs);
  REQUIRE(run.breaths.size() >= 25);
  for (std::size_t i = 3; i + 2 < run.breaths.size(); ++i) {
    auto const& b = run.breaths[i];
    INFO("breath " << i);
    CHECK(b.rate_bpm == Approx(10).margin(0.1));
    CHECK(b.duration_s == Approx(6.0).margin(0.15));
    CHECK(b.inhale_s == Approx(2.4).margin(0.25));
    CHECK(b.ie_ratio == Approx(0.4 / 0.6).margin(0.08));
    CHECK(b.depth_rel == Approx(1.0).margin(0.05));
    CHECK_FALSE(b.sigh);
  }
  CHECK(run.metrics.regularity_cv < 0.02);
  CHECK(run.metrics.spectral_rate_bpm == Approx(10).margin(0.2));
  CHECK(run.metrics.quality > 0.8);
  // Irregular breathing shows in the CV (of all periods, over the recording).
  const auto irregular = trim_tail(synth_breathing(steady(10, 40, 0.2), o), o.fs);
  const auto whole = analyze_respiration(irregular.x, SampleRate(o.fs));
  CHECK(whole.summary.regularity_cv > 0.12);
  CHECK(whole.summary.regularity_cv < 0.4);
}

TEST_CASE("resp pipeline: onsets at the end of a noisy end-expiratory pause, and on a clean breath", "[dsp][resp]") {
  // 4.5/min, inhale 40 %: the exponential out-breath (tau 1.2 s) reaches its floor ~3 s before
  // the next inspiration; on that floor the noise (2 % of the depth) puts the lowest sample
  // anywhere. The onset is where inspiratory flow starts, the true onset, on the noisy floor and
  // on the clean signal alike; I:E follows.
  for (double noise : {0.0, 0.02}) {
    SynthOptions o;
    o.fs = 50;
    o.noise_sd = noise;
    o.seed = 3;
    const auto sig = trim_tail(synth_breathing(steady(4.5, 24, 0.03, 0.05), o), o.fs);
    const auto run = run_resp(sig.x, o.fs);
    std::vector<double> err, ie_err;
    for (auto const& b : run.breaths) {
      if (!std::isfinite(b.onset_s) || b.peak_s < 20) continue;
      for (std::size_t k = 0; k + 1 < sig.onsets_s.size(); ++k) {
        if (std::abs(sig.peaks_s[k] - b.peak_s) > 0.75) continue;
        err.push_back(b.onset_s - sig.onsets_s[k]);
        const double ie = (sig.peaks_s[k] - sig.onsets_s[k]) / (sig.onsets_s[k + 1] - sig.peaks_s[k]);
        if (std::isfinite(b.ie_ratio)) ie_err.push_back(b.ie_ratio - ie);
      }
    }
    REQUIRE(err.size() >= 15);
    REQUIRE(ie_err.size() >= 15);
    std::sort(err.begin(), err.end());
    std::sort(ie_err.begin(), ie_err.end());
    INFO("noise " << noise << ": onset error median " << err[err.size() / 2] << " s, quartiles "
                  << err[err.size() / 4] << " .. " << err[3 * err.size() / 4] << "; I:E error median "
                  << ie_err[ie_err.size() / 2]);
    // The low-pass and the noise move an onset by up to ~0.2 s; a floor's lowest sample is
    // typically a second or more early (median -0.65 s, I:E +0.13 here). I:E within the issue's
    // 0.08 (the peak, on the smoothed signal, also reads ~0.1 s early on the sharp end of inspiration).
    CHECK(std::abs(err[err.size() / 2]) <= 0.15);
    CHECK(err[err.size() / 4] >= -0.3);
    CHECK(std::abs(ie_err[ie_err.size() / 2]) <= 0.08);
  }
}

TEST_CASE("resp pipeline: gaps are bridged or restart the detector, never crash", "[dsp][resp]") {
  SynthOptions o;
  o.fs = 50;
  auto sig = synth_breathing(steady(12, 40), o);
  for (int i = 0; i < 20; ++i) sig.x[1000 + static_cast<std::size_t>(i)] = NAN;       // 0.4 s: held
  for (int i = 0; i < 300; ++i) sig.x[3000 + static_cast<std::size_t>(i)] = INFINITY; // 6 s: a gap
  RespAnalyzer a({}, SampleRate(o.fs));
  for (double v : sig.x) a.process(static_cast<float>(v));
  CHECK(a.metrics().invalid_samples == 320);
  CHECK(a.metrics().gaps == 1);
  CHECK(a.metrics().breaths >= 35);
  CHECK(a.metrics().rate_bpm == Approx(12).margin(0.3));
  a.mark_gap(10.0); // a device gap: time moves on, detector restarts
  CHECK(a.metrics().gaps == 2);
}

TEST_CASE("resp pipeline: bad input never crashes and is flagged", "[dsp][resp]") {
  const double fs = 25;
  auto run_values = [&](auto gen, int n) {
    RespAnalyzer a({}, SampleRate(fs));
    for (int i = 0; i < n; ++i) a.process(gen(i));
    return a.metrics();
  };
  const int n = 120 * 25;
  // All NaN: nothing known.
  auto m = run_values([](int) { return NAN; }, n);
  CHECK(m.breaths == 0);
  CHECK(std::isnan(m.rate_bpm));
  CHECK(m.quality == 0);
  CHECK(m.invalid_samples == static_cast<std::uint64_t>(n));
  // Constant: no breaths, quality 0.
  m = run_values([](int) { return 1234.5F; }, n);
  CHECK(m.breaths == 0);
  CHECK(m.quality == 0);
  // Huge and tiny scales: the same breaths as at unit scale.
  for (double scale : {1e30, 1e-30, 1.0}) {
    SynthOptions o;
    o.fs = fs;
    o.scale = scale;
    const auto sig = trim_tail(synth_breathing(steady(12, 24), o), o.fs);
    const auto run = run_resp(sig.x, fs);
    INFO("scale " << scale);
    CHECK(score(run, sig).match.f1() >= 0.98);
  }
  // Alternating +-inf and max-float garbage.
  m = run_values([](int i) { return i % 3 == 0 ? INFINITY : (i % 3 == 1 ? -3.4e38F : 3.4e38F); }, n);
  CHECK(m.invalid_samples > 0);
  // A rate that cannot be: refused with a reason.
  CHECK_THROWS_WITH(RespAnalyzer({}, SampleRate(2.0)), Catch::Contains("outside 4..20000 Hz"));
}

TEST_CASE("resp pipeline: a wrong sampling rate shows as no rate or poor quality", "[dsp][resp]") {
  SynthOptions o;
  o.fs = 250;
  o.noise_sd = 0.01;
  const auto sig = synth_breathing(steady(15, 40), o);
  // Declared 10x too high: breathing would be 150/min, above the band: nothing plausible.
  const auto fast = run_resp(sig.x, 2500);
  CHECK((fast.metrics.breaths == 0 || fast.metrics.quality < 0.3 || !(fast.metrics.rate_bpm <= 40)));
  // Declared 10x too low: 1.5/min, periods of 40 s: no rate.
  const auto slow = run_resp(sig.x, 25);
  CHECK(!(slow.metrics.rate_bpm >= 3));
}

TEST_CASE("resp compliance: lag and rate error against a pacer", "[dsp][resp]") {
  // A person breathing at 6/min, 1.0 s behind a 6/min pacer that starts its cycle at t = 0.
  SynthOptions o;
  o.fs = 25;
  auto breaths = steady(6, 20); // metronomic: the pacer's phase stays put
  breaths.insert(breaths.begin(), SynthBreath{1.0, 0.0}); // 1 s of nothing first: the lag
  const auto sig = synth_breathing(breaths, o);
  RespAnalyzer a({}, SampleRate(o.fs));
  PacerCompliance c;
  for (double v : sig.x) {
    const unsigned ev = a.process(static_cast<float>(v));
    if (ev & kRespNewBreath) {
      const double cycles = a.last_breath().peak_s * 6.0 / 60.0; // pacer cycle count at the peak
      c.on_breath(cycles - o.inhale_frac, 6.0, a.metrics().rate_bpm);
    }
  }
  CHECK(c.reading().lag_s == Approx(1.0).margin(0.15));
  CHECK(c.reading().lag_deg == Approx(36.0).margin(9.0));
  CHECK(c.reading().rate_error_bpm == Approx(0.0).margin(0.2));
  CHECK(c.reading().in_phase == Approx(1.0));
}

TEST_CASE("resp pipeline: talking and motion bursts cost little outside the bursts and lower the quality", "[dsp][resp]") {
  SynthOptions o;
  o.fs = 50;
  o.noise_sd = 0.01;
  auto sig = trim_tail(synth_breathing(steady(12, 72, 0.08, 0.1), o), o.fs); // 6 min
  // Bursts of 8 s every 60 s from 40 s on: irregular 1-4 Hz movement of up to the breath depth
  // (speech-like modulation on the belt), plus a few spikes.
  std::mt19937 rng(9);
  std::normal_distribution<double> g(0, 1);
  std::vector<std::pair<double, double>> bursts;
  for (double t0 = 40; t0 + 8 < static_cast<double>(sig.x.size()) / o.fs; t0 += 60) {
    bursts.emplace_back(t0, t0 + 8);
    double phase = 0;
    for (auto i = static_cast<std::size_t>(t0 * o.fs); i < static_cast<std::size_t>((t0 + 8) * o.fs); ++i) {
      phase += 2 * std::numbers::pi * (2.5 + 1.5 * std::sin(0.7 * static_cast<double>(i) / o.fs)) / o.fs;
      sig.x[i] += 0.5 * std::sin(phase) + 0.15 * g(rng) + (i % 97 == 0 ? 1.0 : 0.0);
    }
  }
  auto in_burst = [&](double t, double margin) {
    return std::any_of(bursts.begin(), bursts.end(),
                       [&](auto const& b) { return t >= b.first - margin && t <= b.second + margin; });
  };
  RespAnalyzer a({}, SampleRate(o.fs));
  double q_in = 1, q_out = 1;
  std::vector<double> det;
  for (std::size_t i = 0; i < sig.x.size(); ++i) {
    const unsigned ev = a.process(static_cast<float>(sig.x[i]));
    if (ev & kRespNewBreath) det.push_back(a.last_breath().peak_s);
    if (ev & kRespBreathRevised) det.back() = a.last_breath().peak_s;
    const double t = static_cast<double>(i) / o.fs;
    if (t > 30 && in_burst(t, 0)) q_in = std::min(q_in, a.metrics().quality);
    if (t > 30 && !in_burst(t, 15)) q_out = std::min(q_out, a.metrics().quality);
  }
  std::vector<double> det_out, truth_out;
  for (double d : det)
    if (!in_burst(d, 6)) det_out.push_back(d);
  for (double p : sig.peaks_s)
    if (!in_burst(p, 6)) truth_out.push_back(p);
  const Match m = match_events(det_out, truth_out, 0.75);
  INFO("outside the bursts: tp " << m.tp << " fp " << m.fp << " fn " << m.fn << "; quality in "
                                 << q_in << " out " << q_out);
  CHECK(m.f1() >= 0.97);
  CHECK(q_in < q_out);
}
