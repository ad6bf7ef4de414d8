#pragma once
// Value types of the respiration pipeline: one breath, and the running breathing metrics.
// Times are stream seconds (sample count / fs, plus the length of any marked gaps) unless stated.
// NaN means "not known (yet)". All types are trivially copyable.
// Units: times in s, rates in breaths/min, depths in input units. Delay: none (value types).
// Thread contract: value types, any thread.

#include <cstdint>
#include <limits>

namespace pneuma::dsp {

inline constexpr double kRespUnknown = std::numeric_limits<double>::quiet_NaN();

/// Which way the signal moves on inspiration.
enum class RespPolarity : std::int8_t { down = -1, automatic = 0, up = 1 };

/// One breath: inspiration onset (trough) -> end of inspiration (peak) -> next onset.
struct Breath {
  std::uint64_t number = 0;          ///< 1, 2, ... since the start (or the last reset)
  double onset_s = kRespUnknown;     ///< inspiration onset (last flow reversal on the trough's floor)
  double peak_s = kRespUnknown;      ///< end of inspiration (signal maximum)
  double inhale_s = kRespUnknown;    ///< peak - onset
  double exhale_s = kRespUnknown;    ///< next onset - peak (filled when the next breath starts)
  double duration_s = kRespUnknown;  ///< next onset - onset (filled when the next breath starts)
  double ie_ratio = kRespUnknown;    ///< inhale / exhale (filled with exhale_s)
  double period_s = kRespUnknown;    ///< peak - previous peak (NaN for the first after a gap)
  double rate_bpm = kRespUnknown;    ///< 60 / period_s
  double depth = 0;                  ///< peak - onset level, input units along inspiration
  double depth_rel = kRespUnknown;   ///< depth / median depth of the preceding breaths
  double reported_s = kRespUnknown;  ///< stream time at which the breath was first reported
  bool sigh = false;                 ///< depth > 2 x median depth (algorithms.md)
  bool revised = false;              ///< the peak moved later after the first report
};

/// Bits returned by the per-sample calls: what changed with this sample.
enum RespEvent : unsigned {
  kRespNone = 0,
  kRespNewBreath = 1u << 0,       ///< a new end of inspiration was confirmed (last_breath())
  kRespBreathCompleted = 1u << 1, ///< the previous breath got its exhale/duration/I:E
  kRespBreathRevised = 1u << 2,   ///< the last breath's peak moved later
  kRespSpectralRate = 1u << 3,    ///< a new spectral rate estimate
  kRespPolarityChanged = 1u << 4, ///< automatic polarity flipped; the detector restarted
};

/// Running breathing metrics (the state after the latest sample).
struct RespMetrics {
  double t_s = 0;                          ///< stream time of the latest sample
  double rate_bpm = kRespUnknown;          ///< smoothed per-breath rate (follows steps in 2 breaths)
  double last_rate_bpm = kRespUnknown;     ///< rate of the latest breath alone
  double spectral_rate_bpm = kRespUnknown; ///< dominant spectral peak of the last 60 s
  double spectral_quality = 0;             ///< 0..1 spectral peak concentration
  double regularity_cv = kRespUnknown;     ///< CV of the last 8 breath periods (0 = metronomic)
  double inhale_s = kRespUnknown;          ///< latest completed breath
  double exhale_s = kRespUnknown;
  double ie_ratio = kRespUnknown;
  double depth_rel = kRespUnknown;         ///< latest breath depth / median depth
  double amplitude = kRespUnknown;         ///< median breath depth, input units
  double quality = 0;                      ///< 0..1 signal-quality index (see resp_analyzer.hpp)
  double clipped_fraction = 0;             ///< share of the last ~10 s that was flat at a rail
  double invalid_fraction = 0;             ///< share of the last ~10 s that was NaN / inf / missing
  std::uint64_t breaths = 0;               ///< breaths since the start
  std::uint64_t sighs = 0;
  std::uint64_t invalid_samples = 0;       ///< non-finite inputs (held or dropped)
  std::uint64_t gaps = 0;                  ///< marked or detected gaps
  RespPolarity polarity = RespPolarity::up; ///< inspiration direction in use
  bool polarity_decided = false;           ///< automatic mode has enough evidence
  bool clipping = false;                   ///< the signal is flat at a rail now
  /// Self-check failed: for >= 10 s the breath-by-breath rate (or its absence) contradicts a
  /// clear respiratory rhythm in the spectrum; quality is lowered and the detector re-acquires.
  bool rate_disputed = false;
  /// A slower, larger oscillation runs under the breath; the breath reported is the faster one.
  bool two_rhythms = false;
  double slow_rate_bpm = kRespUnknown;     ///< that slower oscillation, /min (when two_rhythms)
};

} // namespace pneuma::dsp
