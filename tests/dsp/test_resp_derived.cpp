// Breathing without a belt: RSA (RR series), EDR (R-amplitude), chest accelerometer, each through
// the same RespAnalyzer.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>

#include "dsp/test_resp_common.hpp"
#include "dsp/test_resp_synth.hpp"
#include "pneuma/dsp/resp_derived.hpp"
#include "pneuma/dsp/resp_offline.hpp"
#include "support/shared_data.hpp"

using namespace pneuma::dsp;
using namespace pneuma::test;

TEST_CASE("beat resampler: linear interpolation on an even grid, NaN across missed beats", "[dsp][resp]") {
  BeatSeriesResampler r(Hz(4.0), Seconds(3.0));
  std::array<float, 64> out{};
  std::uint64_t hole = 99;
  CHECK(r.push(10.0, 60.0, out, hole) == 1); // the first beat starts the grid
  CHECK(hole == 0);
  CHECK(out[0] == 60.0F);
  CHECK(r.push(11.0, 70.0, out, hole) == 4); // 10.25 .. 11.0
  CHECK(out[0] == Approx(62.5));
  CHECK(out[1] == Approx(65.0));
  CHECK(out[3] == Approx(70.0));
  CHECK(r.push(10.5, 1.0, out, hole) == 0); // out of order: dropped
  CHECK(r.dropped() == 1);
  CHECK(r.push(15.0, 70.0, out, hole) == 16); // a 4 s hole: no made-up values
  CHECK(std::isnan(out[0]));
  CHECK(hole == 0);
  CHECK(r.start_s() == 10.0);
}

TEST_CASE("beat resampler: a hole longer than the buffer is told by its length, on the grid's time", "[dsp][resp]") {
  // A strap silent for 40 s (out of range, lost contact) and, apart, one beat with a corrupt
  // time: the work per beat stays bounded (no sample-by-sample loop over the hole) and the grid
  // stays on time, so every later value lands where it belongs.
  BeatSeriesResampler r(Hz(4.0), Seconds(3.0));
  std::array<float, 64> out{};
  std::uint64_t hole = 0;
  REQUIRE(r.push(10.0, 60.0, out, hole) == 1);
  CHECK(r.push(50.0, 62.0, out, hole) == 0); // 10.25 .. 50.0: 160 samples
  CHECK(hole == 160);
  CHECK(r.push(50.5, 64.0, out, hole) == 2); // the grid goes on: 50.25, 50.5
  CHECK(hole == 0);
  CHECK(out[1] == Approx(64.0));
  CHECK(r.push(3e38, 64.0, out, hole) == 0); // beyond any clock: dropped, not a 1e39-sample hole
  CHECK(hole == 0);
  CHECK(r.dropped() == 1);
  CHECK(r.push(50.75, 65.0, out, hole) == 1);
  CHECK(out[0] == Approx(65.0));
  // Offline, the hole is NaN samples: the series keeps one sample per grid step.
  const std::vector<double> beats = {10.0, 10.8, 11.6, 100.0, 100.8, 101.6}; // a 354-sample hole
  const std::vector<double> rr(beats.size(), 800.0);
  const auto series = rsa_series(beats, rr, 4.0);
  CHECK(series.size() == 1 + static_cast<std::size_t>((101.6 - 10.0) * 4.0));
  CHECK(std::isnan(series[100]));
  CHECK(series.back() == Approx(75.0));
}

TEST_CASE("beat outlier gate and R amplitude", "[dsp][resp]") {
  BeatOutlierGate g;
  for (int i = 0; i < 9; ++i) CHECK(g.accept(1.0 + 0.01 * (i % 3)));
  CHECK_FALSE(g.accept(0.2)); // a false R peak
  CHECK(g.accept(1.02));
  CHECK(g.rejected() == 1);
  // ECG at 250 Hz: flat baseline 0.1, R peak of 1.1 at sample 100.
  std::vector<double> ecg(200, 0.1);
  ecg[100] = 1.1;
  CHECK(r_wave_amplitude(ecg, SampleRate(250), 100) == Approx(1.0));
  CHECK(std::isnan(r_wave_amplitude(ecg, SampleRate(250), 10))); // baseline window cut off
}

TEST_CASE("resp from RR (RSA): MARSH R-peaks give the spontaneous breathing rate", "[dsp][resp][slow]") {
  const auto dir = shared_path("data/marsh");
  if (!dir) return;
  // RSA follows breathing well at rest; above ~20/min the heart's vagal response fades (the
  // paced ramp to 35/min is out of reach for every RSA method), so only 0-180 s is scored.
  int good = 0;
  double err_sum = 0;
  for (const char* s : {"0256", "0023", "1707", "0005", "5600", "5329", "4909", "5757", "1436", "1000"}) {
    const auto r = csv_column(*dir / (std::string(s) + "_rpeaks.csv"), "time_s");
    const auto ref = csv_column(*dir / (std::string(s) + "_ip_breaths.csv"), "time_s");
    std::vector<double> beats, rr;
    for (std::size_t i = 1; i < r.size() && r[i] < 300; ++i) {
      beats.push_back(r[i]);
      rr.push_back(1000 * (r[i] - r[i - 1]));
    }
    const auto res = analyze_respiration(rsa_series(beats, rr), SampleRate(4.0));
    std::vector<double> det;
    for (auto const& b : res.breaths) det.push_back(b.peak_s + beats.front());
    double err = 0;
    for (double t0 = 0; t0 < 180; t0 += 60) err += std::abs(window_rate(det, t0, t0 + 60) - window_rate(ref, t0, t0 + 60));
    err /= 3;
    std::printf("RSA %s: spontaneous 60-s rate error %.2f /min\n", s, err);
    good += err <= 1.0;
    err_sum += err;
  }
  CHECK(good >= 7);
  CHECK(err_sum / 10 <= 1.5);
}

TEST_CASE("resp from ECG (EDR): bidmc_01 lead II agrees with the impedance belt", "[dsp][resp]") {
  const auto data = shared_path("data/bidmc_01/bidmc_01_125hz.csv");
  const auto peaks = shared_path("reference/neurokit/bidmc_01__II.json");
  if (!data || !peaks) return;
  const auto ecg = csv_column(*data, "II");
  const auto resp = csv_column(*data, "RESP");
  std::ifstream in(*peaks);
  const auto j = nlohmann::json::parse(in);
  std::vector<std::size_t> r; // R peaks: NeuroKit's, as any R detector would give them
  for (auto const& v : j.at("r_peaks")) r.push_back(v.get<std::size_t>());
  const auto edr = analyze_respiration(edr_series(ecg, SampleRate(125), r), SampleRate(4.0));
  const auto belt = analyze_respiration(resp, SampleRate(125));
  std::vector<double> det;
  for (auto const& b : edr.breaths) det.push_back(b.peak_s + static_cast<double>(r.front()) / 125.0);
  const Match m = match_events(det, peaks_of(belt.breaths), 1.5);
  INFO("EDR " << det.size() << " breaths, spectral " << edr.summary.spectral_rate_bpm << "/min; belt "
              << belt.breaths.size() << ", " << belt.summary.rate_bpm << "/min; F1 " << m.f1());
  CHECK(std::abs(edr.summary.spectral_rate_bpm - belt.summary.rate_bpm) <= 1.0);
  CHECK(m.f1() >= 0.75);
}

TEST_CASE("resp from a chest accelerometer: tilt with breathing, gravity and posture removed", "[dsp][resp]") {
  const double fs = 50;
  SynthOptions o;
  o.fs = fs;
  const auto breath = synth_breathing(steady(12, 60, 0.05, 0.08), o); // 0..1 volume, 5 min
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 2.0);
  std::vector<double> x, y, z;
  for (std::size_t i = 0; i < breath.x.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    // Posture: the trunk turns 25 degrees about the vertical between 150 and 152 s.
    const double turn = std::clamp((t - 150.0) / 2.0, 0.0, 1.0) * 25.0 * std::numbers::pi / 180;
    const double tilt = 0.03 * breath.x[i]; // rad: the chest wall tilts on inspiration
    const double g0x = 0, g0y = 600 * std::cos(tilt) - 800 * std::sin(tilt),
                 g0z = 600 * std::sin(tilt) + 800 * std::cos(tilt);
    const double ax = g0x * std::cos(turn) - g0y * std::sin(turn), ay = g0x * std::sin(turn) + g0y * std::cos(turn);
    const double heart = 8.0 * std::exp(-std::fmod(t, 0.85) / 0.05); // a jolt per heartbeat
    x.push_back(ax + noise(rng) + heart);
    y.push_back(ay + noise(rng));
    z.push_back(g0z + noise(rng) + 0.5 * heart);
  }
  const auto res = analyze_respiration(acc_series(x, y, z, SampleRate(fs)), SampleRate(fs));
  std::vector<double> det, truth;
  for (auto const& b : res.breaths)
    if (b.peak_s > 30) det.push_back(b.peak_s);
  for (double p : breath.peaks_s)
    if (p > 30 && p < static_cast<double>(x.size()) / fs - 2) truth.push_back(p);
  const Match m = match_events(det, truth, 0.75);
  for (double t : truth)
    if (std::none_of(det.begin(), det.end(), [t](double d) { return std::abs(d - t) <= 0.75; }))
      UNSCOPED_INFO("missed " << t);
  INFO("tp " << m.tp << " fp " << m.fp << " fn " << m.fn);
  CHECK(m.f1() >= 0.95);
  CHECK(res.summary.rate_bpm == Approx(12).margin(0.5));
}
