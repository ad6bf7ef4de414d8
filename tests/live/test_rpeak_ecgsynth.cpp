// The simulator's synthetic ECG (EcgSynth, ECGSYN morphology pinned to the person's beats) through
// the R-peak detector and the live analyzer.
#include <catch2/catch.hpp>
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

TEST_CASE("heart live: ECG-only input yields beats and RMSSD", "[app][heart]") {
  const auto rec = run_sim(150, 0.0);
  pneuma::app::LiveAnalyzer a({50.0});
  for (auto const& s : rec.all)
    if (!std::holds_alternative<pneuma::drivers::RrInterval>(s)) a.process(s); // a strap with ECG only
  CHECK(std::isfinite(a.metrics().rmssd_ms));
  CHECK(a.metrics().rmssd_ms > 5);
}
