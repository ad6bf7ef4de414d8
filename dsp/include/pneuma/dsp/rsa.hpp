#pragma once
// Respiratory sinus arrhythmia (RSA) per breath: peak-to-trough (Grossman 1990; NeuroKit2 hrv_rsa
// "P2T") and the resonance amplitude used in HRV biofeedback (Lehrer & Gevirtz 2014).
//
//   for each breath [onset_k, onset_k+1):   p2t_ms  = max RR - min RR   of the beats inside
//                                           hr_range_bpm = max HR - min HR, HR = 60000 / RR
// A breath needs >= 2 beats; breaths longer than 30 s or shorter than 1 s are skipped (missed or
// false onsets). Breath onsets (inspiration starts) come from the breathing DSP; src/ joins them.
// Guidance for the UI (Lehrer & Gevirtz 2014, as practitioners cite them): HR peak-to-trough
// 15-25 bpm during resonance breathing is good, > 25 excellent; 3-8 bpm is typical at 12-15/min.
// Units: times in s, RR in ms, HR in beats/min. Delay: a breath is closed at the next onset.
// Thread contract: RsaTracker push/onset are noexcept, allocation-free, one thread; rsa_per_breath
// allocates its result.

#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace pneuma::dsp {

struct BreathRsa {
  double onset_s = 0;      ///< inspiration onset that opens the breath
  double duration_s = 0;
  double p2t_ms = 0;       ///< RR peak-to-trough within the breath
  double hr_range_bpm = 0; ///< HR max - min within the breath (resonance amplitude)
  int beats = 0;
};

class RsaTracker {
public:
  /// One NN beat (time s, interval ms).
  void beat(double t_s, double rr_ms) noexcept;
  /// An inspiration onset: closes the breath that the previous onset opened.
  std::optional<BreathRsa> onset(double t_s) noexcept;
  void reset() noexcept { *this = RsaTracker{}; }

private:
  double open_s_ = std::numeric_limits<double>::quiet_NaN();
  double rr_min_ = 0, rr_max_ = 0;
  int beats_ = 0;
};

/// Offline: one entry per complete breath between consecutive onsets.
std::vector<BreathRsa> rsa_per_breath(std::span<const double> beat_t_s, std::span<const double> rr_ms,
                                      std::span<const double> onsets_s);

} // namespace pneuma::dsp
