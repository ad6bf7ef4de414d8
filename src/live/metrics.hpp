#pragma once
// What the DSP thread tells the UI and the session log. Trivially copyable (mailbox, queues).
// NaN means "not known yet" (never a made-up number).

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "live/live_traces.hpp"
#include "pneuma/drivers/sample.hpp"
#include "pneuma/dsp/breathing_source.hpp"
#include "pneuma/dsp/hr_resp_phase.hpp"

namespace pneuma::app {

inline constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

struct Metrics {
  double t_s = 0;                   ///< session time the numbers refer to (latest data)
  double breathing_bpm = kUnknown;  ///< spectral breathing rate of breathing_source, breaths/min
  double breathing_quality = 0;     ///< 0..1 spectral peak concentration
  /// Where breathing comes from (belt, chest motion, ECG, heart rhythm; breathing_source.hpp).
  /// Every breath number below (rate, breaths, pacer following, RSA per breath) is from it.
  dsp::BreathingSource breathing_source = dsp::BreathingSource::none;
  /// Heart-rhythm breathing where RSA does not follow breathing: breathing_bpm is then NaN.
  dsp::RsaDoubt breathing_doubt = dsp::RsaDoubt::none;
  double hr_bpm = kUnknown;         ///< heart rate from RR, beats/min
  double belt = kUnknown;           ///< latest belt value (arbitrary units)
  double quality = 0;               ///< 0..1 overall signal quality
  std::uint64_t samples = 0;        ///< samples processed
  std::uint64_t dropped = 0;        ///< samples lost (queue full, bad values)
  std::uint64_t gaps_bridged = 0;   ///< short belt holes (lost lines, frames) bridged, not reset
  drivers::DeviceStatus status{};   ///< latest device status
  /// The device it connected to ("Polar H10 1234ABCD (A0:9E:...)"), kept from the "connected to
  /// ..." status: a status that follows it within one tick would otherwise hide it.
  std::array<char, 96> connected_to{};
  // Heart (dsp::HeartStream): from artifact-corrected beats; NaN until the window is covered.
  double rmssd_ms = kUnknown;          ///< RMSSD over the last 60 s, ms
  double sdnn_ms = kUnknown;           ///< SDNN over the last 5 min, ms
  double coherence = kUnknown;         ///< Pneuma coherence ratio (64 s window, every 5 s)
  double coherence_peak_hz = kUnknown; ///< where the coherence peak sits
  double artifact_pct = kUnknown;      ///< corrected beats in the last 60 s, %
  double rsa_bpm = kUnknown;           ///< HR peak-to-trough per breath (resonance amplitude), beats/min
  /// HR-breathing phase over the last 64 s (dsp::HrRespPhaseTracker) with the chosen breathing
  /// source: HR after breathing in s (> 0: the heart follows), the same in degrees (> 0: HR leads),
  /// their coherence; NaN with the reason in hr_resp_withheld.
  double hr_resp_lag_s = kUnknown;
  double hr_resp_phase_deg = kUnknown;
  double hr_resp_msc = kUnknown;
  dsp::PhaseWithheld hr_resp_withheld = dsp::PhaseWithheld::no_breathing;
  bool hrv_poor = true;                ///< HRV from poor data (> 5 % artifacts or < 60 s): grey it out
  /// The latest beat is an optical pulse-to-pulse interval (Polar PPI: Verity Sense, OH1), not an
  /// ECG strap's R-R interval: heart rate and HRV come from the pulse wave, whose travel time
  /// from the heart varies with breathing and posture (HRV of lower fidelity).
  bool beats_optical = false;
  // Breath by breath (dsp::RespAnalyzer on the belt; resp_analyzer.hpp).
  double breath_rate_bpm = kUnknown;     ///< smoothed per-breath rate, breaths/min
  double breath_last_rate_bpm = kUnknown; ///< rate of the latest breath alone
  double breath_regularity_cv = kUnknown; ///< CV of the last 8 breath periods
  double breath_ie_ratio = kUnknown;     ///< inhale / exhale of the latest complete breath
  double breath_inhale_s = kUnknown;
  double breath_exhale_s = kUnknown;
  double breath_depth_rel = kUnknown;    ///< latest depth / median depth (sigh > 2)
  double breath_quality = 0;             ///< 0..1 signal-quality index of the belt
  double last_breath_peak_s = kUnknown;  ///< session time of the latest end of inspiration
  std::uint64_t breaths = 0;             ///< breaths counted this session
  std::uint64_t sighs = 0;
  // Breathing without a belt: chest accelerometer, RR series (RSA), ECG (resp_derived.hpp).
  double acc_breath_rate_bpm = kUnknown; ///< smoothed per-breath rate from chest motion (ACC)
  double acc_breath_quality = 0;         ///< 0..1 quality index of that surrogate
  std::uint64_t posture_changes = 0;     ///< changes of posture seen by the accelerometer
  double rsa_breath_rate_bpm = kUnknown; ///< smoothed per-breath rate from heart-rate swings
  double rsa_breath_quality = 0;         ///< 0..1 quality index of that surrogate
  double edr_breath_rate_bpm = kUnknown; ///< from the ECG's R-amplitude modulation (EDR)
  double edr_breath_quality = 0;
  // Pacer compliance (dsp::PacerCompliance), NaN without a pacer or breaths.
  double pacer_rate_error_bpm = kUnknown; ///< breath rate - pacer rate
  double pacer_lag_s = kUnknown;          ///< end of inspiration after the pacer's (+ = late)
  double pacer_in_phase = kUnknown;       ///< 0..1 share of recent breaths within 15 % of a cycle
  int battery_pct = -1;             ///< strap / belt battery, % (-1 unknown)
  LiveTraces traces{};              ///< recent belt and HR histories for the pacer and HR trace
};

/// Where breathing comes from, as a person reads it ("chest motion"; "" for none): one wording
/// for the window (src/view) and the recording's annotation.
constexpr const char* breathing_source_words(dsp::BreathingSource s) noexcept {
  switch (s) {
  case dsp::BreathingSource::belt: return "belt";
  case dsp::BreathingSource::chest_motion: return "chest motion";
  case dsp::BreathingSource::ecg: return "ECG";
  case dsp::BreathingSource::heart_rhythm: return "heart rhythm";
  case dsp::BreathingSource::none: break;
  }
  return "";
}

/// The recording's annotation when breathing starts to come from `s` ("breathing from: ECG").
inline constexpr const char* kMarkBreathingFromFormat = "breathing from: %s";

/// One line of the session log, one per second of session time.
struct Snapshot {
  double t_s = 0;
  double breathing_bpm = kUnknown;
  double hr_bpm = kUnknown;
  double quality = 0;
  double rmssd_ms = kUnknown;   ///< NaN while the window is short or the beats are poor
  double coherence = kUnknown;
  double rsa_bpm = kUnknown;
  dsp::BreathingSource breathing_source = dsp::BreathingSource::none;
  dsp::RsaDoubt breathing_doubt = dsp::RsaDoubt::none;
  double hr_resp_lag_s = kUnknown; ///< HR after breathing, s (NaN: withheld, reason below)
  dsp::PhaseWithheld hr_resp_withheld = dsp::PhaseWithheld::no_breathing;
  bool beats_optical = false; ///< hr_bpm, rmssd_ms, coherence, rsa_bpm from optical pulse beats

  /// The line for second `t_s` from the latest metrics; a stalled source has quality 0.
  static Snapshot of(Metrics const& m, double t_s, bool stalled) noexcept {
    const bool hrv_ok = !m.hrv_poor;
    return {t_s,        m.breathing_bpm,
            m.hr_bpm,   stalled ? 0.0 : m.quality,
            hrv_ok ? m.rmssd_ms : kUnknown,
            hrv_ok ? m.coherence : kUnknown,
            m.rsa_bpm,
            m.breathing_source,
            m.breathing_doubt,
            m.hr_resp_lag_s,
            m.hr_resp_withheld,
            m.beats_optical};
  }
};

} // namespace pneuma::app
