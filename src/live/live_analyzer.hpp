#pragma once
// The DSP thread's work: device samples in, Metrics out. This file only wires: drivers samples
// are mapped to plain values for the dsp stream blocks (dsp::HeartStream: one beat timeline, one
// R-peak detector, one artifact corrector, HRV, coherence, RSA; dsp::BreathingStream: belt, chest
// motion (ACC), ECG- and RSA-derived breathing), and their results are mapped to app::Metrics,
// plus the UI traces. Breathing has one source at a time (dsp::BreathingSourceChooser, once a
// second): the belt while it streams, else the strap's best surrogate; every breath number
// (rate, breaths, pacer following, RSA per breath, the breath trace) comes from that source.
// Everything is allocated at construction, so process() never allocates, locks, logs or throws.

#include <optional>

#include "live/metrics.hpp"
#include "pacer/pacer_timeline.hpp"
#include "pneuma/drivers/sample.hpp"
#include "pneuma/dsp/biquad.hpp"
#include "pneuma/dsp/breathing_source.hpp"
#include "pneuma/dsp/breathing_stream.hpp"
#include "pneuma/dsp/heart_stream.hpp"
#include "pneuma/dsp/hr_resp_phase.hpp"
#include "pneuma/dsp/resp_compliance.hpp"

namespace pneuma::app {

struct LiveAnalyzerConfig {
  double resp_hz = 50.0; ///< nominal belt sampling rate
  double ecg_hz = 130.0; ///< nominal ECG sampling rate (Polar H10)
};

class LiveAnalyzer {
public:
  explicit LiveAnalyzer(LiveAnalyzerConfig const& config);
  void process(drivers::DeviceSample const& sample) noexcept;
  [[nodiscard]] Metrics const& metrics() const noexcept { return metrics_; }
  /// Newest data time seen (the watermark for per-second snapshots).
  [[nodiscard]] double data_time_s() const noexcept { return data_time_s_; }
  /// Values whose data stopped (no beat, no belt sample for `after_s` of session time by
  /// `now_s`, even when no sample arrives at all) become unknown. True when one did.
  bool expire(double now_s, double after_s) noexcept;
  /// The pacer the person follows (a copy, given by the DSP thread's owner; no lock here).
  void set_pacer(PacerTimeline const& pacer) noexcept { pacer_ = pacer; }
  /// The belt's breath detector (for tests and displays).
  [[nodiscard]] dsp::RespAnalyzer const& breath_analyzer() const noexcept { return breathing_.belt_analyzer(); }
  /// Every breathing source's analyzer and its clock offset (for validation against truth).
  [[nodiscard]] dsp::BreathingStream const& breathing() const noexcept { return breathing_; }

  /// An inspiration onset from the breathing DSP (session time): RSA per breath. The belt's own
  /// detected onsets are used unless a caller supplies onsets here (then only those are used).
  void on_breath_onset(double t_s) noexcept {
    external_onsets_ = true;
    heart_.breath_onset(t_s);
  }

private:
  void on(drivers::RespSample const& s) noexcept;
  void on(drivers::RrInterval const& s) noexcept;
  void on(drivers::DeviceStatus const& s) noexcept;
  void on(drivers::SignalGap const& s) noexcept;
  void on(drivers::EcgSample const& s) noexcept;
  void on(drivers::AccSample const& s) noexcept;
  void on(drivers::BatteryLevel const& s) noexcept;
  template <class T> void on(T const&) noexcept {}

  void heart_events(unsigned events, double now_s) noexcept;
  /// Breath events of `source`; only the chosen source's reach the metrics.
  void on_breath(dsp::BreathingSource source, unsigned events) noexcept;
  void choose_source() noexcept;
  [[nodiscard]] dsp::RespAnalyzer const& analyzer_of(dsp::BreathingSource s) const noexcept;
  [[nodiscard]] double offset_of(dsp::BreathingSource s) const noexcept;
  void trace_breath(double t_s, double belt) noexcept;
  void trace_derived(dsp::BreathingSource source) noexcept;
  void trace_beat(dsp::StreamBeat const& b) noexcept;
  /// The chosen source's newest breathing value (inspiration up) to the HR-breathing phase.
  void phase_breathing(dsp::BreathingSource source) noexcept;
  void publish_phase() noexcept;

  dsp::BreathingStream breathing_;
  dsp::HeartStream heart_;
  dsp::PacerCompliance compliance_;
  dsp::BreathingSourceChooser chooser_;
  dsp::HrRespPhaseTracker phase_;
  double next_choice_s_ = 0;        ///< data time of the next source decision
  double last_belt_s_ = -1e9, last_acc_s_ = -1e9, last_r_peak_s_ = -1e9, last_nn_s_ = -1e9;
  std::optional<PacerTimeline> pacer_;
  bool external_onsets_ = false;   ///< breath onsets come from the caller, not the belt
  Metrics metrics_{};
  double data_time_s_ = 0;
  double last_hr_s_ = -1e9;        ///< when the heart rate was last updated
  double last_resp_s_ = -1e9;      ///< when the last belt sample came
  // Traces for the UI (live_traces.hpp).
  dsp::Biquad breath_hp_, breath_lp_;
  double next_breath_t_ = -1; ///< next 10 Hz grid instant (-1: first sample not seen)
  double next_hr_t_ = -1;     ///< next 4 Hz grid instant
};

} // namespace pneuma::app
