// The simulator's synthetic ECG (EcgSynth, ECGSYN morphology pinned to the person's beats) through
// the R-peak detector and the live analyzer.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "live/live_analyzer.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"
#include "pneuma/dsp/rpeak_detector.hpp"

namespace {
struct Recorder final : pneuma::drivers::SampleSink {
  std::vector<pneuma::drivers::EcgSample> ecg;
  std::vector<std::uint16_t> rr_ticks;
  std::vector<pneuma::drivers::DeviceSample> all;
  void on_sample(pneuma::drivers::DeviceSample const& s) noexcept override {
    all.push_back(s);
    if (auto const* e = std::get_if<pneuma::drivers::EcgSample>(&s)) ecg.push_back(*e);
    if (auto const* r = std::get_if<pneuma::drivers::RrInterval>(&s)) rr_ticks.push_back(r->ticks);
  }
};

Recorder run_sim(double seconds, double ectopic) {
  pneuma::drivers::sim::PersonParams p;
  p.ecg_hz = 130;
  p.ectopic = ectopic;
  p.seed = 5;
  pneuma::drivers::sim::SimSensors sensors(p, [](double t) {
    return std::optional<pneuma::drivers::sim::BreathCue>({t * 6.0 / 60.0, 6.0, 0.4});
  });
  Recorder rec;
  sensors.advance_to(seconds, rec);
  return rec;
}
} // namespace

TEST_CASE("rpeak: the simulator's 130 Hz ECG puts every R on the strap's beat", "[dsp][heart]") {
  const auto rec = run_sim(180, 0.02);
  REQUIRE(rec.ecg.size() > 170 * 130);
  // Uniform 130 Hz, stamped with the sample time.
  CHECK(rec.ecg[1].t_s - rec.ecg[0].t_s == Approx(1 / 130.0));
  std::vector<float> x;
  for (auto const& e : rec.ecg) x.push_back(e.microvolts);
  const auto peaks = pneuma::dsp::detect_r_peaks(x, pneuma::dsp::SampleRate(130));
  // Beat times from the strap's RR ticks, anchored at the first ECG sample (= the first beat).
  std::vector<double> beats = {rec.ecg.front().t_s};
  for (auto t : rec.rr_ticks) beats.push_back(beats.back() + t / 1024.0);
  int matched = 0;
  double err = 0;
  std::size_t j = 0;
  for (auto const& p : peaks) {
    const double t = rec.ecg.front().t_s + p.time_s(130);
    while (j + 1 < beats.size() && beats[j + 1] < t) ++j;
    const double d = std::min(std::abs(t - beats[j]), j + 1 < beats.size() ? std::abs(beats[j + 1] - t) : 1e9);
    if (d < 0.05) {
      ++matched;
      err += d;
    }
  }
  const auto covered = static_cast<int>(std::count_if(beats.begin(), beats.end(), [&](double b) { return b < rec.ecg.back().t_s; }));
  INFO("beats " << covered << " peaks " << peaks.size() << " matched " << matched);
  CHECK(matched >= covered - 2); // the last beat may lie past the ECG drawn so far
  CHECK(static_cast<int>(peaks.size()) <= covered + 1);
  CHECK(err / matched < 0.004); // mean |error| < 4 ms at 130 Hz (sub-sample fiducial)
  double worst = 0;
  for (auto const& p : peaks)
    if (!p.search_back && p.sample > 2 * 130) worst = std::max(worst, static_cast<double>(p.decided_at - p.sample) / 130);
  INFO("worst decision delay at 130 Hz: " << worst * 1000 << " ms");
  CHECK(worst <= 0.300);
}

TEST_CASE("heart live: ECG-only input gives the simulated person's heart rate and RMSSD", "[app][heart]") {
  const auto rec = run_sim(150, 0.0);
  // The person's true beats, from the strap's RR ticks (the ECG's R peaks are drawn on them).
  std::vector<double> beats = {rec.ecg.front().t_s}, true_rr;
  for (auto t : rec.rr_ticks) {
    true_rr.push_back(t * 1000.0 / 1024.0);
    beats.push_back(beats.back() + t / 1024.0);
  }
  pneuma::app::LiveAnalyzer a({50.0});
  double last_hr = std::nan("");
  int compared = 0;
  double worst_ms = 0;
  for (auto const& s : rec.all) {
    if (std::holds_alternative<pneuma::drivers::RrInterval>(s)) continue; // a strap with ECG only
    a.process(s);
    const double hr = a.metrics().hr_bpm;
    if (!std::isfinite(hr) || hr == last_hr) continue;
    last_hr = hr;
    const double now = a.data_time_s();
    if (now < 10) continue;
    // HR is 60000 / median of the last 5 RR (dsp/beat_rate.hpp), ending at the beat just detected:
    // the latest true beat before now, or up to 4 before it when the peak came by search-back
    // (decided late). The closest of those medians is the one this update is made of.
    const auto latest = static_cast<std::size_t>(std::upper_bound(beats.begin(), beats.end(), now) - beats.begin()) - 1;
    REQUIRE(latest >= 9);
    double best = 1e9;
    for (std::size_t j = latest - 4; j <= latest; ++j) {
      std::vector<double> last5(true_rr.begin() + static_cast<long>(j) - 5, true_rr.begin() + static_cast<long>(j));
      std::nth_element(last5.begin(), last5.begin() + 2, last5.end());
      best = std::min(best, std::abs(60000.0 / hr - last5[2]));
    }
    worst_ms = std::max(worst_ms, best);
    ++compared;
  }
  INFO(compared << " heart-rate updates, worst median-RR error " << worst_ms << " ms");
  CHECK(compared > 50); // the median repeats itself often: only changes are counted
  // Each R peak is within one sample (7.7 ms at 130 Hz) of its beat, so an RR is within two samples
  // and so is a median of them: 15.4 ms, about 1 beat/min at 70/min.
  CHECK(worst_ms <= 2000.0 / 130);
  // RMSSD over the last 60 s against the true intervals of the same beats: the fiducial jitter
  // (mean |error| < 4 ms, above) adds sqrt(6) sigma in quadrature to successive differences; with
  // sigma <= 5 ms that is at most 12 ms, so RMSSD lies between the truth and sqrt(truth^2 + 150).
  const double end = a.data_time_s();
  double ss = 0;
  int n = 0;
  for (std::size_t i = 1; i < true_rr.size(); ++i)
    if (beats[i + 1] <= end && beats[i + 1] > end - 60) {
      ss += std::pow(true_rr[i] - true_rr[i - 1], 2);
      ++n;
    }
  const double truth = std::sqrt(ss / n);
  INFO("RMSSD " << a.metrics().rmssd_ms << " ms, truth " << truth << " ms");
  REQUIRE(std::isfinite(a.metrics().rmssd_ms));
  CHECK(a.metrics().rmssd_ms >= truth * 0.95);
  CHECK(a.metrics().rmssd_ms <= std::sqrt(truth * truth + 150) * 1.05);
}
