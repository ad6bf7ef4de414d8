#pragma once
// The DSP thread's work: device samples in, Metrics out. Owns the DSP blocks; everything is
// allocated at construction, so process() never allocates, locks, logs or throws.

#include <optional>

#include "live/heart_live.hpp"
#include "live/metrics.hpp"
#include "pacer/pacer_timeline.hpp"
#include "pneuma/dsp/beat_rate.hpp"
#include "pneuma/dsp/resp_analyzer.hpp"
#include "pneuma/dsp/resp_compliance.hpp"
#include "pneuma/dsp/resp_derived.hpp"
#include "pneuma/dsp/rpeak_detector.hpp"
#include "pneuma/dsp/biquad.hpp"
#include "pneuma/drivers/sample.hpp"

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
  /// The pacer the person follows (a copy, given by the DSP thread's owner; no lock here).
  void set_pacer(PacerTimeline const& pacer) noexcept { pacer_ = pacer; }
  /// The belt's breath detector (for tests and displays).
  [[nodiscard]] dsp::RespAnalyzer const& breath_analyzer() const noexcept { return resp_; }

  /// An inspiration onset from the breathing DSP (session time): RSA per breath. The belt's own
  /// detected onsets are used unless a caller supplies onsets here (then only those are used).
  void on_breath_onset(double t_s) noexcept {
    external_onsets_ = true;
    heart_live_.on_breath_onset(t_s, metrics_);
  }

private:
  void on(drivers::RespSample const& s) noexcept;
  void on(drivers::RrInterval const& s) noexcept;
  void on(drivers::DeviceStatus const& s) noexcept;
  void on(drivers::SignalGap const& s) noexcept;
  void on(drivers::EcgSample const& s) noexcept;

  void on(drivers::BatteryLevel const& s) noexcept;
  void trace_breath(double t_s, double belt) noexcept;
  void trace_beat(drivers::RrInterval const& s) noexcept;
  template <class T> void on(T const&) noexcept {}

  void on_breath(unsigned events) noexcept;

  dsp::RespAnalyzer resp_;
  dsp::PacerCompliance compliance_;
  std::optional<PacerTimeline> pacer_;
  // RSA: beats (cumulative RR time) -> 4 Hz heart rate -> its own RespAnalyzer.
  dsp::BeatOutlierGate rsa_gate_;
  dsp::BeatSeriesResampler rsa_grid_{4.0, 3.0};
  dsp::RespAnalyzer rsa_;
  double beat_t_s_ = -1e9;         ///< time of the last beat on the RR clock
  // EDR: ECG -> R peaks -> R amplitude -> 4 Hz -> its own RespAnalyzer.
  dsp::RPeakDetector edr_rpeaks_;
  dsp::BeatOutlierGate edr_gate_;
  dsp::BeatSeriesResampler edr_grid_{4.0, 3.0};
  dsp::RespAnalyzer edr_;
  double ecg_t0_s_ = -1;           ///< session time of the first ECG sample
  double resp_offset_s_ = 0;       ///< session time - RespAnalyzer stream time
  bool resp_anchor_ = true;        ///< re-anchor the offset at the next belt sample
  bool external_onsets_ = false;   ///< breath onsets come from the caller, not the belt
  dsp::BeatRateTracker heart_;
  HeartLive heart_live_;
  Metrics metrics_{};
  double data_time_s_ = 0;
  double last_rr_s_ = -1e9;
  // Traces for the UI (live_traces.hpp).
  dsp::Biquad breath_hp_, breath_lp_;
  double next_breath_t_ = -1; ///< next 10 Hz grid instant (-1: first sample not seen)
  double beat_t_ = -1;        ///< reconstructed time of the last beat (-1: none yet)
  double next_hr_t_ = -1;     ///< next 4 Hz grid instant
};

} // namespace pneuma::app
