#include "live/headless.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

namespace pneuma::app {
namespace {
nlohmann::ordered_json number_or_null(double v, int decimals) {
  if (!std::isfinite(v)) return nullptr;
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

/// A fixed length of session time, no flow.
class FixedLength final : public HeadlessDriver {
public:
  explicit FixedLength(double end_s) : end_s_(end_s) {}
  bool second(Snapshot const& s, Metrics const&) override { return s.t_s >= end_s_ - 1e-9; }
  std::string_view stage() const noexcept override { return {}; }
  bool take_pacer_changed(PacerTimeline&) noexcept override { return false; }

private:
  double end_s_;
};
} // namespace

std::string snapshot_json(Snapshot const& s, PacerFrame const& pacer, std::string_view stage) {
  nlohmann::ordered_json j;
  j["t_s"] = s.t_s;
  if (!stage.empty()) j["stage"] = stage;
  j["phase"] = to_json_word(pacer.phase);
  j["pacer_bpm"] = number_or_null(pacer.rate_bpm, 2);
  j["breathing_bpm"] = number_or_null(s.breathing_bpm, 2);
  // Where breathing comes from (belt, chest_motion, ecg, heart_rhythm; null: none), and why a
  // heart-rhythm rate is null (fast_breathing, ectopy, low_hrv).
  if (s.breathing_source == dsp::BreathingSource::none) j["breathing_source"] = nullptr;
  else j["breathing_source"] = std::string(dsp::breathing_source_key(s.breathing_source));
  if (s.breathing_doubt != dsp::RsaDoubt::none) j["breathing_doubt"] = std::string(dsp::rsa_doubt_key(s.breathing_doubt));
  j["hr_bpm"] = number_or_null(s.hr_bpm, 1);
  // The beats behind hr_bpm and the HRV numbers are an optical sensor's pulse intervals (Polar
  // PPI), not an ECG strap's: said only when so, like breathing_doubt.
  if (s.beats_optical) j["beats_optical"] = true;
  j["quality"] = number_or_null(s.quality, 2);
  j["rmssd_ms"] = number_or_null(s.rmssd_ms, 1);
  j["coherence"] = number_or_null(s.coherence, 2);
  j["rsa_bpm"] = number_or_null(s.rsa_bpm, 1);
  // How far the heart-rate wave follows the breathing wave (s, 64-s window), and why it is null
  // (warming_up, low_coherence, breathing_from_heart_rhythm, no_breathing).
  j["hr_resp_lag_s"] = number_or_null(s.hr_resp_lag_s, 2);
  if (s.hr_resp_withheld != dsp::PhaseWithheld::none) j["hr_resp_withheld"] = std::string(dsp::phase_withheld_key(s.hr_resp_withheld));
  return j.dump();
}

void run_headless(Pipeline& pipeline, HeadlessDriver& driver, std::ostream& out,
                  std::atomic<bool> const& interrupted, std::ostream& err) {
  PacerTimeline timeline = pipeline.pacer().load();
  if (driver.take_pacer_changed(timeline)) pipeline.pacer().store(timeline); // e.g. paused for a baseline
  pipeline.start();
  bool done = false;
  Metrics latest{};           // the mailbox's one reader here (no window)
  double told_error_t = -1;   // the last device error told on `err`
  bool told_connected = false; // which strap it connected to, told once
  auto marked_source = dsp::BreathingSource::none; // annotated in the recording
  while (!done && !interrupted.load()) {
    const bool fresh = pipeline.metrics().read(latest);
    if (fresh && latest.breathing_source != marked_source && latest.breathing_source != dsp::BreathingSource::none) {
      marked_source = latest.breathing_source;
      char text[48];
      std::snprintf(text, sizeof text, kMarkBreathingFromFormat, breathing_source_words(marked_source));
      (void)pipeline.mark(text); // the main thread is the markers' one producer when headless
    }
    // Which device it connected to, once ("connected to Polar H10 1234ABCD (A0:9E:...)").
    if (fresh && !told_connected && latest.connected_to[0] != '\0') {
      told_connected = true;
      err << "pneuma: connected to " << latest.connected_to.data() << '\n' << std::flush;
    }
    if (fresh && latest.status.state == drivers::DeviceStatus::State::error &&
        latest.status.t_s != told_error_t) {
      told_error_t = latest.status.t_s;
      err << "pneuma: device error: " << latest.status.message() << '\n' << std::flush;
    }
    Snapshot s;
    bool any = false;
    while (!done && pipeline.snapshots().try_pop(s)) {
      any = true;
      done = driver.second(s, latest);
      if (driver.take_pacer_changed(timeline)) pipeline.pacer().store(timeline);
      out << snapshot_json(s, pipeline.pacer().load().at(s.t_s), driver.stage()) << '\n';
    }
    if (any) out.flush();
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  pipeline.stop();
}

void run_headless(Pipeline& pipeline, double minutes, std::ostream& out,
                  std::atomic<bool> const& interrupted, std::ostream& err) {
  FixedLength driver(minutes * 60.0);
  run_headless(pipeline, driver, out, interrupted, err);
}

} // namespace pneuma::app
