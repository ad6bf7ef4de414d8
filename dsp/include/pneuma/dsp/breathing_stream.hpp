#pragma once
// The live breathing stream: the belt and the two belt-free surrogates, each through its own
// RespAnalyzer (resp_analyzer.hpp), with their beats taken from the one heart stream.
//
//   belt sample + host time -> RespAnalyzer (RespAnalyzerConfig::live_belt(): breaths, and the
//       spectral rate of the raw belt, 60 s window, 1 s hop). Belt time: samples are counted;
//       when the host time runs more than `belt_gap` ahead of the counted time, the difference
//       is marked as a gap (mark_gap); belt_lost() re-anchors and restarts the spectral window.
//       belt_gap(): a hole the device reported; up to `bridge_max` (a lost line, notification or
//       frame) it is bridged: the next sample's time says how many samples are missing and they
//       are filled by linear interpolation (a breath lasts 2-15 s: a straight line over <= 1 s
//       changes the breath's shape by far less than the belt's noise), counted in bridged();
//       longer holes are belt_lost().
//   NN beat (heart_stream.hpp) -> HR = 60000 / RR -> BeatSeriesResampler 4 Hz -> RespAnalyzer
//       (polarity up, no spectral estimate): RSA-derived breathing
//   R peak (heart_stream.hpp) -> |amplitude| -> BeatOutlierGate -> 4 Hz -> RespAnalyzer (no
//       spectral estimate): ECG-derived breathing (R-amplitude modulation; resp_derived.hpp)
//
// Units: times in s on the caller's (session) clock; rates breaths/min; belt any unit.
// Delay: the RespAnalyzer's (0.3-0.45 s) plus, for RSA/EDR, one RR interval of resampling.
// Thread contract: the constructor allocates and may throw std::invalid_argument; belt(),
// belt_lost(), nn_beat(), r_peak(): noexcept, allocation-free, one thread.

#include <cstdint>

#include "pneuma/dsp/resp_analyzer.hpp"
#include "pneuma/dsp/resp_derived.hpp"
#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

struct BreathingStreamConfig {
  Hz belt_rate{50.0};          ///< nominal belt sampling rate
  Seconds belt_gap{1.0};       ///< host time this far ahead of the counted belt time is a gap
  Seconds bridge_max{1.0};     ///< reported holes up to this long are bridged, longer ones restart
  Hz derived_rate{4.0};        ///< grid of the RSA / EDR surrogates
  Seconds derived_max_gap{3.0}; ///< beats further apart than this: NaN on the grid (missed beats)
};

class BreathingStream {
public:
  explicit BreathingStream(BreathingStreamConfig const& config = {});

  /// One belt sample at host time `t_s`; returns the belt analyzer's RespEvent bits.
  unsigned belt(float value, double t_s) noexcept;
  /// The device reported lost belt samples: forget the spectral window, re-anchor belt time.
  void belt_lost() noexcept;
  /// The device reported a hole of `seconds` in the belt: bridged when short (true), else
  /// belt_lost() (false).
  bool belt_gap(double seconds) noexcept;
  /// Holes bridged so far, and the samples filled in them.
  [[nodiscard]] std::uint64_t bridged() const noexcept { return bridged_; }
  [[nodiscard]] std::uint64_t bridged_samples() const noexcept { return bridged_samples_; }
  /// One NN beat (time s, interval ms) for the RSA-derived breathing.
  void nn_beat(double t_s, double rr_ms) noexcept;
  /// One R peak (time s, amplitude) for the ECG-derived breathing.
  void r_peak(double t_s, float amplitude) noexcept;

  [[nodiscard]] RespAnalyzer const& belt_analyzer() const noexcept { return belt_; }
  [[nodiscard]] RespAnalyzer const& rsa_analyzer() const noexcept { return rsa_; }
  [[nodiscard]] RespAnalyzer const& edr_analyzer() const noexcept { return edr_; }
  /// Session time of a belt stream time: stream + this offset.
  [[nodiscard]] double belt_offset_s() const noexcept { return belt_offset_s_; }

private:
  BreathingStreamConfig cfg_;
  RespAnalyzer belt_;
  double belt_offset_s_ = 0;
  bool belt_anchor_ = true;
  bool bridge_pending_ = false;
  float last_belt_ = 0;
  std::uint64_t bridged_ = 0, bridged_samples_ = 0;
  BeatSeriesResampler rsa_grid_;
  RespAnalyzer rsa_;
  BeatOutlierGate edr_gate_;
  BeatSeriesResampler edr_grid_;
  RespAnalyzer edr_;
};

} // namespace pneuma::dsp
