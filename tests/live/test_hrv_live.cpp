// The live heart path (dsp::HeartStream inside LiveAnalyzer) on a simulated person.
#include <catch2/catch.hpp>
#include <cmath>
#include <variant>

#include "live/live_analyzer.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"
#include "pneuma/dsp/artifact_corrector.hpp"
#include "pneuma/dsp/heart_stream.hpp"
#include "pneuma/dsp/hrv_time.hpp"

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
  CHECK(m.artifact_pct < 5); // 1 % premature beats: HRV is not poor for it
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

TEST_CASE("heart live: artifact share within 2x the injected premature beats, and RMSSD equals offline", "[app][heart]") {
  // 1 % of the simulated beats are premature (65 % coupling, compensatory pause). The share
  // counts beats: the two intervals around one premature beat are one abnormal beat.
  const auto samples = simulate(600, 5.5, 0.01);
  pneuma::app::LiveAnalyzer a({50.0});
  pneuma::dsp::HeartStream h; // the same stream the analyzer runs, to read its raw and NN beats
  std::vector<double> raw_t, raw_rr;
  std::size_t released = 0; // NN beats the live stream has released (it holds 7 of look-ahead)
  for (auto const& s : samples) {
    a.process(s);
    if (auto const* rr = std::get_if<pneuma::drivers::RrInterval>(&s)) {
      const unsigned ev = h.rr(rr->ticks, rr->t_s);
      if (ev & pneuma::dsp::kHeartBeat) {
        raw_t.push_back(h.last_beat().t_s);
        raw_rr.push_back(h.last_beat().rr_ms);
      }
      if (ev & pneuma::dsp::kHeartNn) released += static_cast<std::size_t>(h.nn_count());
    }
  }
  auto const& c = h.artifact_counts();
  const double share = 100.0 * (0.5 * static_cast<double>(c.ectopic) + 0.5 * static_cast<double>(c.missed) +
                                static_cast<double>(c.extra + c.long_short)) / static_cast<double>(c.beats);
  INFO("premature-beat share " << share << " % over " << c.beats << " beats; live window " << a.metrics().artifact_pct << " %");
  CHECK(share >= 0.5);
  CHECK(share <= 2.0);
  // The live 60-s RMSSD is the offline rule on the same beats: differences only between two
  // normal beats inside the window (the window ends at the last NN beat the stream released).
  const auto nn = pneuma::dsp::nn_series(raw_t, raw_rr);
  REQUIRE(released <= nn.t_s.size());
  const double t_end = nn.t_s[released - 1];
  double ss = 0;
  int n = 0;
  for (std::size_t i = 1; i < released; ++i) {
    if (nn.t_s[i - 1] < t_end - 60.0) continue;
    if (nn.corrected[i] || nn.corrected[i - 1] || nn.after_gap[i]) continue;
    ss += (nn.rr_ms[i] - nn.rr_ms[i - 1]) * (nn.rr_ms[i] - nn.rr_ms[i - 1]);
    ++n;
  }
  REQUIRE(n > 40);
  REQUIRE(std::isfinite(h.metrics().rmssd_ms));
  CHECK(h.metrics().rmssd_ms == Approx(std::sqrt(ss / n)).epsilon(1e-6));
  CHECK(a.metrics().rmssd_ms == Approx(h.metrics().rmssd_ms).epsilon(1e-9));
}
