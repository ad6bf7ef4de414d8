#pragma once
// Pacer compliance: how well breathing follows a breathing pacer.
//
//   rate error [breaths/min] = smoothed breathing rate - pacer rate
//   phase lag  [s]           = wrap(c(t_peak) - f_in) * 60 / pacer rate, with c the pacer's
//                              continuous cycle count (integer = pacer inhale onset), f_in the
//                              pacer's inhale fraction (so c - f_in is integer at the pacer's end of
//                              inhale) and wrap() into [-0.5, 0.5) cycles; positive = the person
//                              ends inhaling after the pacer (the usual 0.5-1.5 s, algorithms.md
//                              "Simulating a person"). Ends of inspiration are used rather than
//                              onsets because they are sharp (onsets sit in the end-expiratory pause).
// Both are averaged over breaths with weight 0.3 (circular mean for the phase). `in_phase` is the
// share of the last 10 breaths whose end of inspiration lies within +-15 % of a cycle of the pacer's.
// Units: breaths/min, seconds, degrees. Delay: the breath report (<= 0.5 s after the peak).
// Thread contract: noexcept, allocation-free, one thread.

#include <array>
#include <cstdint>

#include "pneuma/dsp/resp_types.hpp"

namespace pneuma::dsp {

struct ComplianceReading {
  double rate_error_bpm = kRespUnknown; ///< smoothed breathing rate - pacer rate
  double lag_s = kRespUnknown;          ///< smoothed phase lag behind the pacer, s
  double lag_deg = kRespUnknown;        ///< the same in degrees of the pacer cycle
  double in_phase = kRespUnknown;       ///< 0..1 share of recent breaths within 15 % of a cycle
};

class PacerCompliance {
public:
  /// One breath: `pacer_phase` = the pacer's cycle count at the breath's end of inspiration minus
  /// the pacer's inhale fraction; its rate then; `breath_rate_bpm` the smoothed breathing rate
  /// (NaN if unknown).
  ComplianceReading on_breath(double pacer_phase, double pacer_rate_bpm,
                              double breath_rate_bpm) noexcept;
  [[nodiscard]] ComplianceReading const& reading() const noexcept { return reading_; }
  void reset() noexcept;

private:
  ComplianceReading reading_{};
  double cos_ = 0, sin_ = 0;
  bool have_phase_ = false;
  std::array<std::uint8_t, 10> hits_{};
  int n_hits_ = 0, next_hit_ = 0;
};

} // namespace pneuma::dsp
