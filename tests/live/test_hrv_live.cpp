// The live heart path (dsp::HeartStream inside LiveAnalyzer) on a simulated person.
#include <catch2/catch.hpp>
#include <cmath>

#include "live/live_analyzer.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"

namespace {
struct Recorder final : pneuma::drivers::SampleSink {
  std::vector<pneuma::drivers::DeviceSample> samples;
  void on_sample(pneuma::drivers::DeviceSample const& s) noexcept override { samples.push_back(s); }
};

std::vector<pneuma::drivers::DeviceSample> simulate(double seconds, double rate_bpm, double ectopic) {
  pneuma::drivers::sim::PersonParams p;
  p.ectopic = ectopic;
  p.seed = 11;
  pneuma::drivers::sim::SimSensors sensors(p, [rate_bpm](double t) {
    return std::optional<pneuma::drivers::sim::BreathCue>({t * rate_bpm / 60.0, rate_bpm, 0.4});
  });
  Recorder rec;
  sensors.advance_to(seconds, rec);
  return rec.samples;
}
} // namespace

TEST_CASE("heart live: RMSSD, coherence, artifacts and RSA reach Metrics, NaN until known", "[app][heart]") {
  const auto samples = simulate(360, 5.5, 0.01);
  pneuma::app::LiveAnalyzer a({50.0});
  bool rmssd_early = false;
  for (auto const& s : samples) {
    a.process(s);
    if (a.data_time_s() < 50 && std::isfinite(a.metrics().rmssd_ms)) rmssd_early = true;
  }
  auto const& m = a.metrics();
  CHECK_FALSE(rmssd_early);
  REQUIRE(std::isfinite(m.rmssd_ms));
  CHECK(m.rmssd_ms > 10);
  CHECK(m.rmssd_ms < 200);
  REQUIRE(std::isfinite(m.coherence));
  CHECK(m.coherence > 1.0); // breathing at the person's resonance: one dominant rhythm
  CHECK(m.coherence_peak_hz == Approx(5.5 / 60).margin(0.015));
  REQUIRE(std::isfinite(m.artifact_pct));
  CHECK(m.artifact_pct < 10);
  REQUIRE(std::isfinite(m.rsa_bpm));
  CHECK(m.rsa_bpm > 8); // resonance: large swings (the sim gives ~17 bpm peak-to-trough)
  CHECK(std::isfinite(m.sdnn_ms));
  UNSCOPED_INFO("rmssd " << m.rmssd_ms << " coherence " << m.coherence << " at " << m.coherence_peak_hz << " Hz, artifacts " << m.artifact_pct << " %, rsa " << m.rsa_bpm << " bpm, sdnn " << m.sdnn_ms);
  CHECK(m.hrv_poor == (m.artifact_pct > 5));
}

TEST_CASE("heart live: the belt's breath onsets drive RSA per breath", "[app][heart]") {
  // LiveAnalyzer joins the two halves: the breath detector's inspiration onsets delimit the
  // cycles over which HR max - min is taken.
  const auto samples = simulate(120, 6.0, 0.0);
  pneuma::app::LiveAnalyzer a({50.0});
  for (auto const& s : samples) a.process(s);
  REQUIRE(a.metrics().breaths >= 8);
  REQUIRE(std::isfinite(a.metrics().rsa_bpm));
  CHECK(a.metrics().rsa_bpm > 8); // near resonance (5.5/min): the sim swings ~15-17 bpm
}
