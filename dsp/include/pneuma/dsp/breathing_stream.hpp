#pragma once
// The live breathing stream: the belt and the three belt-free surrogates of a chest strap, each
// through its own RespAnalyzer (resp_analyzer.hpp), with their beats taken from the one heart
// stream, and the choice of the one to believe (breathing_source.hpp).
//
//   belt sample + host time -> RespAnalyzer (RespAnalyzerConfig::live_belt(): breaths, and the
//       spectral rate of the raw belt, 60 s window, 1 s hop). Belt time: samples are counted;
//       when the host time runs more than `belt_gap` ahead of the counted time, the difference
//       is marked as a gap (mark_gap); belt_lost() re-anchors and restarts the spectral window.
//       belt_gap(): a hole the device reported; up to `bridge_max` (a lost line, notification or
//       frame) it is bridged: the next sample's time says how many samples are missing and they
//       are filled by linear interpolation (a breath lasts 2-15 s: a straight line over <= 1 s
//       changes the breath's shape by far less than the belt's noise), counted in bridged();
//       holes up to 10 s (a stall, a quick replug) restart the breath detector and bridge the
//       spectral rate window (SpectralRateEstimator::bridge); longer holes are belt_lost().
//   ACC sample (mg, 25..200 Hz; Polar H10 PMD) -> AccGrid 25 Hz by the device's own sample times
//       -> AccBreathing (gravity and posture removed by its 30-s average, principal breathing
//       axis, low-pass 1 Hz; resp_derived.hpp) -> RespAnalyzer: chest-motion breathing, the way
//       Every-Breath-You-Take / Elite HRV measure breathing with an H10. No further high-pass:
//       a 0.05-Hz band-pass edge led the breath by 60 deg at 4.5/min (2.2 s), the analyzer's
//       detector follows slow drift itself. The low-pass's delay (sqrt(2) / (2 pi 1 Hz) =
//       0.23 s) is taken off the breath times (acc_offset_s()).
//       Which way is "in": the principal axis has no sign of its own, and the sign of the tilt
//       depends on how the strap sits and on posture. So two analyzers run, on +axis and -axis
//       (fixed polarity, neither ever restarts), and the heart decides between them: heart rate rises during inspiration (RSA), within +-90 deg of lung volume while
//       breathing is slower than 10/min (leading below the baroreflex resonance near 5.5/min,
//       lagging above it: Vaschillo et al. 2002; Eckberg 1983). The correlation of the heart
//       rate with the ACC surrogate 1 s before it (HR trails volume by about that; both through
//       the same 30-s high-pass, exponential 30-s averages) picks the orientation once
//       |r| >= 0.3 with the ACC rate <= 10/min; faster breathing keeps the last decision.
//       Before the heart's first verdict, the end-expiratory dwell decides (the analyzers'
//       polarity evidence, resp_analyzer.hpp: one below -0.35 and the other above +0.35), and
//       before that the +axis. The 30-s high-pass leads the breath by
//       atan(1 / (2 pi f 30 s)) / (2 pi f) (0.15 s at 4.5/min, 0.06 s at 7/min): taken off the
//       breath times at the ACC's current rate.
//   beat (heart_stream.hpp timeline, as it arrives) -> BeatOutlierGate on RR, step rule 20 %
//       (ectopic, missed beats; not the median rule, which cut the tops off slow RSA swings) -> HR = 60000 / RR -> BeatSeriesResampler 4 Hz -> RespAnalyzer (polarity up: HR
//       rises on inspiration): RSA-derived breathing. Beats, not the artifact corrector's NN
//       beats, so a breath is known about 1-2 s after it, not after the corrector's 7-beat wait.
//   R peak (heart_stream.hpp) -> |amplitude| -> BeatOutlierGate -> 4 Hz -> RespAnalyzer:
//       ECG-derived breathing (R-amplitude modulation; resp_derived.hpp)
//   Every surrogate's RespAnalyzer also keeps its spectral rate (band-passed input, 60 s window,
//   5 s hop): the breathing rate shown when it is the chosen source, as the belt's is.
//
// Units: times in s on the caller's (session) clock; rates breaths/min; belt any unit; ACC mg.
// Delay: the RespAnalyzer's (0.3-0.45 s) plus, for RSA/EDR, one RR interval of resampling, and
// for ACC one 40-ms grid bin and the band-pass (about 0.4 s at breathing rates).
// Thread contract: the constructor allocates and may throw std::invalid_argument; belt(),
// belt_lost(), acc(), acc_lost(), beat(), r_peak(): noexcept, allocation-free, one thread.

#include <array>
#include <cstdint>

#include "pneuma/dsp/butterworth.hpp"
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
  Hz acc_rate{25.0};           ///< grid of the accelerometer surrogate
  Seconds acc_max_gap{2.0};    ///< device time jumping further than this restarts the ACC grid
};

class BreathingStream {
public:
  explicit BreathingStream(BreathingStreamConfig const& config = {});

  /// One belt sample at host time `t_s`; returns the belt analyzer's RespEvent bits.
  unsigned belt(float value, double t_s) noexcept;
  /// The device reported lost belt samples: forget the spectral window, re-anchor belt time.
  void belt_lost() noexcept;
  /// One accelerometer sample (mg) that arrived at host time `t_s`, sampled at device time
  /// `device_t_s` (s, any origin; NaN when the device has no clock: the arrival time is used).
  /// Returns the ACC analyzer's RespEvent bits.
  unsigned acc(float x_mg, float y_mg, float z_mg, double t_s, double device_t_s) noexcept;
  /// The device reported lost accelerometer frames: the grid restarts at the next sample.
  void acc_lost() noexcept;
  /// One beat as it arrives (time s, RR ms) for the RSA-derived breathing; returns its RespEvent
  /// bits. Ectopic and missed beats are skipped by an outlier gate.
  unsigned beat(double t_s, double rr_ms) noexcept;
  /// One R peak (time s, amplitude) for the ECG-derived breathing; returns its RespEvent bits.
  unsigned r_peak(double t_s, float amplitude) noexcept;
  /// The device reported a hole of `seconds` in the belt. Up to `bridge_max` it is bridged
  /// sample by sample; up to the spectral window's bridge (a sixth of it, 10 s) it is marked as
  /// a gap: the detector restarts and the rate window carries on, time-aligned (true both). Longer
  /// holes are belt_lost() (false).
  bool belt_gap(double seconds) noexcept;
  /// Holes bridged so far, and the samples filled in them.
  [[nodiscard]] std::uint64_t bridged() const noexcept { return bridged_; }
  [[nodiscard]] std::uint64_t bridged_samples() const noexcept { return bridged_samples_; }

  [[nodiscard]] RespAnalyzer const& belt_analyzer() const noexcept { return belt_; }
  /// The chest-motion analyzer of the orientation in use (see the banner).
  [[nodiscard]] RespAnalyzer const& acc_analyzer() const noexcept { return acc_sign_ > 0 ? acc_ : acc_inv_; }
  /// Correlation of the ACC surrogate (+axis) with heart rate (NaN before 20 s of both), and the
  /// orientation in use: +1 the +axis analyzer, -1 the -axis one.
  [[nodiscard]] double acc_heart_correlation() const noexcept;
  [[nodiscard]] int acc_orientation() const noexcept { return acc_sign_; }
  [[nodiscard]] RespAnalyzer const& rsa_analyzer() const noexcept { return rsa_; }
  [[nodiscard]] RespAnalyzer const& edr_analyzer() const noexcept { return edr_; }
  /// Session time of a belt stream time: stream + this offset.
  [[nodiscard]] double belt_offset_s() const noexcept { return belt_offset_s_; }
  /// Session time of an ACC stream time: stream + this offset (NaN before the first sample).
  [[nodiscard]] double acc_offset_s() const noexcept { return acc_start_s_ + acc_latency_s_ - acc_delay_s_ + acc_lead_s(); }
  /// Session time of an RSA / EDR stream time: stream + this offset (NaN before the first beat).
  [[nodiscard]] double rsa_offset_s() const noexcept { return rsa_grid_.start_s(); }
  [[nodiscard]] double edr_offset_s() const noexcept { return edr_grid_.start_s(); }
  /// Times the wearer's posture changed (the ACC gravity estimate was re-seated).
  [[nodiscard]] std::uint64_t posture_changes() const noexcept { return acc_motion_.posture_changes(); }

private:
  BreathingStreamConfig cfg_;
  RespAnalyzer belt_;
  double belt_offset_s_ = 0;
  bool belt_anchor_ = true;
  AccGrid acc_grid_;
  AccBreathing acc_motion_;
  double acc_delay_s_;       ///< AccBreathing's low-pass group delay
  RespAnalyzer acc_, acc_inv_;
  int acc_sign_ = 1;
  bool acc_voted_ = false;        ///< the heart has decided the orientation
  // ACC orientation from the heart: the surrogate's recent values (25 Hz) to meet each 4-Hz HR
  // grid sample at its session time, the HR's own gravity-average high-pass, and the running moments.
  static constexpr std::size_t kAccRing = 256; ///< 10 s at 25 Hz: more than an RR interval back
  std::array<float, kAccRing> acc_ring_{};
  std::uint64_t acc_ring_n_ = 0;  ///< values written since the last ACC restart
  double acc_ring_t_ = 0;         ///< session time of the newest value
  double hr_mean_ = 0;
  bool hr_started_ = false;
  double sxy_ = 0, sxx_ = 0, syy_ = 0, pairs_s_ = 0;
  void vote_orientation(double t_s, double hr) noexcept;
  /// Phase lead of AccBreathing's gravity high-pass at the ACC's rate, as time (s).
  [[nodiscard]] double acc_lead_s() const noexcept;
  double acc_start_s_;       ///< device time of stream time 0 of the ACC analyzer
  double acc_latency_s_ = 0; ///< least arrival - device time seen: device clock -> session clock
  bool acc_restart_ = true;
  BeatOutlierGate rsa_gate_;
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
