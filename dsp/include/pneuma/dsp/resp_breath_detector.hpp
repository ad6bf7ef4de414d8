#pragma once
// Breath detector: end of inspiration (peak) and inspiration onset (trough) on a smoothed,
// polarity-corrected respiration signal, one sample at a time.
//
// Method: a turning-point state machine with hysteresis (peak-valley detection with an adaptive
// delta, cf. Billauer's peakdet; the relative-amplitude rule of NeuroKit2 khodadad2018):
//   * looking for a peak: track the maximum since the last trough; confirm it when the signal has
//     fallen `confirm_frac * A` below it (A = median depth of the last 5 breaths), or a third of
//     that after falling steadily for 0.3 s (rounded, slow ends of inspiration), and the rise from
//     the trough is at least R * A, where R = min_depth_frac for a peak at >= 0.75 of the median
//     period after the previous one and grows linearly to min_depth_frac + early_penalty for a
//     peak right after it (a bump on the exhale is not a breath; a real early breath is deep).
//     That penalty fades out when the rise starts from the end-expiratory level (>= 80 % of the
//     last breath breathed out): a passive exhale ends there, so a rise from it is a new breath,
//     however soon (a faster, shallower rhythm is not held to the old median period).
//     Peaks closer than max(0.5 s, 0.35 x median period) are not confirmed. A flat top (clipping)
//     gives its midpoint. A rise that comes within the confirmation delta of its top less than
//     min_rise_s (0.3 s) after its onset (below) is no inspiration: a raised-cosine inspiration
//     gets there after 0.77 of its length, and at the band's top rate, 60/min, with the resting
//     Ti/Ttot of 0.42 (Tobin et al. 1983, Chest 84:202) that is 0.31 s; the cardiogenic pulse an
//     impedance belt carries rises over half the ventricular ejection (0.25-0.33 s at rest), a
//     motion spike faster still, and the recovery from a downward pulse too (its top is the floor
//     it left). Without it a heartbeat in the end-expiratory pause, which rises from the exhaled
//     level and so skips the early-peak penalty, is a breath (MARSH with a pulse of 10 % of the
//     breath depth at each R peak: F1 0.945 -> 0.987). The price is at the band's top: steady
//     generated breathing at 55/min keeps F1 0.99, at 60/min 0.82 (0.996 without it); resting
//     adults breathe below 40/min, and 0.25 s lets pulses back in (twice the false breaths of
//     the stress test's six pulse trains).
//   * looking for a trough: track the minimum; confirm it when the signal has risen
//     `confirm_frac * A` from it after a fall of at least `min_fall_frac * A`. If the signal
//     climbs above the last peak after a smaller fall (or after one below min_depth_frac * A
//     within 0.6 median periods), that peak was a shoulder of a still-rising inspiration: the
//     breath is revised (its peak moves later), not duplicated. After a fall of >= 80 % of that
//     breath's own rise (it breathed out what it breathed in) only a climb to min_depth_frac * A
//     above it makes it a shoulder; a climb just past it is the next, shallower breath on a drift.
//   * inspiration onset: the last expiratory-to-inspiratory flow reversal (a local minimum of s,
//     or the end of a flat stretch) on the trough's floor, i.e. within max(kFloorFrac * A, 3 noise
//     SDs) of the trough, before the peak. On a sine-like breath that is the trough itself; after
//     an exponential out-breath the end-expiratory pause is a flat, noisy floor whose lowest
//     sample falls anywhere in it (on average well before the inspiration starts), while the
//     last reversal on it is where inspiratory flow begins for good (the flow-based definition
//     of onset in respiratory physiology). Depth stays measured from the trough. The peak is
//     looked for after the onset only: a rise that came back to the floor unconfirmed (too
//     shallow or too soon) is forgotten there, or a later, smaller A would confirm its old top
//     with the new onset after it.
//   * A starts from half the signal's recent peak-to-peak range, is capped by that range, and is
//     relaxed towards it after a long silence, so shallow breathing after deep breathing (or a
//     sigh) is found again.
//   * A change to much shallower breathing (the end of a block of slow, deep paced breaths, a
//     person settling from 6/min at 3x tidal volume back to 15/min) leaves A many times the new
//     depth, and the range cap needs its whole span to forget the last deep breath. A swing
//     tracker follows the oscillation present at half the confirmation delta: two whole swing
//     cycles in a row that no breath accounts for, of like depth (within 2x), at least 1.5 s
//     apart (faster swings are cardiac ripple, not breath: none breathes over 40/min at rest),
//     rebase A and the period on them, and the second of them is taken as a breath. One
//     unaccounted swing is a bump on the exhale and changes nothing.
// The small confirmation delta (12 % of a typical depth, never below 3 noise SDs) keeps the report
// latency short; the revision rule keeps the early decision from costing accuracy.
// Units: input arbitrary (inspiration upwards), times in stream seconds; depths in input units.
// Delay: the caller's smoothing delay plus the time to fall confirm_frac * A after the peak.
// Thread contract: constructor may throw; step()/reset() are noexcept, allocation-free, one thread.

#include <array>
#include <cstdint>

#include "pneuma/dsp/resp_types.hpp"

namespace pneuma::dsp {

struct BreathDetectorConfig {
  double min_depth_frac = 0.3;  ///< a breath rises (and falls) at least this share of A
  double confirm_frac = 0.12;   ///< hysteresis: fall (rise) that confirms a peak (trough)
  double min_fall_frac = 0.15;  ///< an exhale falls at least this share of A before a new breath
  double early_penalty = 0.6;   ///< extra rise (share of A) demanded of a peak right after the last
  double sigh_factor = 2.0;     ///< depth above this x median = sigh
  double min_period_s = 0.5;    ///< absolute refractory time between peaks (120/min)
  double min_rise_s = 0.3;      ///< shortest rise from onset to near its top (a heartbeat's is shorter)
  double max_period_s = 40.0;   ///< longer peak-to-peak periods get no rate (a pause, a gap)
  double time_offset_s = 0.0;   ///< subtracted from reported peak/onset times (smoothing delay)
};

class BreathDetector {
public:
  static constexpr int kHistory = 16; ///< breaths kept for queries

  /// Throws std::invalid_argument on fractions outside (0, 1].
  explicit BreathDetector(BreathDetectorConfig const& config = {});

  /// One smoothed sample `s` at stream time `t_s`; `noise_sd` is the noise SD of `s` (0 if
  /// unknown), `range` the recent peak-to-peak range of `s`, `t_now` the time at which the caller
  /// learns of the sample (it stamps Breath::reported_s). Returns RespEvent bits.
  unsigned step(double s, double t_s, double noise_sd, double range, double t_now) noexcept;
  /// Forget the signal (after a gap or a polarity flip); keeps the amplitude reference.
  void restart() noexcept;
  /// Forget the signal and the amplitude and period references (the detector was following the
  /// wrong oscillation); keeps the breath history and counts.
  void reacquire() noexcept;
  /// Forget everything, including the amplitude reference and the breath history.
  void reset() noexcept;

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  /// The k-th most recent breath (0 = newest); k < min(count(), kHistory).
  [[nodiscard]] Breath const& recent(int k) const noexcept;
  [[nodiscard]] Breath const& last() const noexcept { return recent(0); }
  /// Median depth of the recent breaths (0 when none).
  [[nodiscard]] double amplitude() const noexcept { return amplitude_; }
  /// Median peak-to-peak period of the recent breaths (NaN when fewer than 2).
  [[nodiscard]] double median_period_s() const noexcept { return median_period_; }
  [[nodiscard]] std::uint64_t sighs() const noexcept { return sighs_; }

private:
  enum class State : std::uint8_t { seek_peak, seek_trough };
  struct Extremum {
    double v = 0, t_first = 0, t_last = 0;
    double t_onset = 0; ///< for a trough: the last flow reversal on its floor (the onset)
    [[nodiscard]] double t() const noexcept { return 0.5 * (t_first + t_last); }
  };
  static Extremum at(double s, double t) noexcept { return Extremum{s, t, t, t}; }
  double reference_amplitude(double t_s, double range) const noexcept;
  void track_swing(double s, double t_s, double a, double noise_sd, double floor) noexcept;
  unsigned confirm_peak(double t_now) noexcept;
  Breath& slot(int k) noexcept;
  void refresh_medians() noexcept;

  BreathDetectorConfig config_;
  State state_ = State::seek_peak;
  bool started_ = false;
  bool have_trough_ = false; ///< the current trough is a real one (not the stream start)
  bool revising_ = false;    ///< the next peak confirmation moves the last breath's peak
  Extremum trough_{}, max_{}, min_{};
  Extremum top_{};            ///< where the rise first came within the confirmation delta of max_
  Extremum prev_trough_{};    ///< onset of the last breath (restored when it is revised)
  bool prev_have_trough_ = false;
  double last_peak_v_ = 0, last_peak_t_ = -1e300;
  double last_depth_ = 0;        ///< rise of the last breath (its peak above its onset level)
  double pass_t_ = -1e300;       ///< when s first climbed back above the last peak
  bool have_last_peak_ = false;  ///< the previous peak is gap-free (a period can be measured)
  std::array<Breath, kHistory> ring_{};
  int head_ = -1;
  std::uint64_t count_ = 0;
  std::uint64_t sighs_ = 0;
  std::array<double, 5> depths_{};
  int n_depths_ = 0, depth_next_ = 0;
  std::array<double, 5> periods_{};
  int n_periods_ = 0, period_next_ = 0;
  double prev_s_ = 0, prev_t_ = 0;
  double falling_s_ = 0;                  ///< how long s has been falling without a break
  bool rising_ = false;                   ///< the last step of s went up
  double amplitude_ = 0;                  ///< cached median of depths_
  /// The oscillation present, at a low hysteresis (see the header comment).
  struct Swing {
    int dir = 0;                         ///< +1 rising, -1 falling, 0 not started
    Extremum ext{};                      ///< the running extremum
    Extremum trough{};                   ///< the last swing trough
    bool have_trough = false;
    Extremum peak{};                     ///< the last swing peak
    double peak_depth = 0;               ///< its rise from its trough
    Extremum peak_trough{};              ///< that trough
    bool have_peak = false;
  };
  Swing swing_{};
  double median_period_ = kRespUnknown;   ///< cached median of periods_
};

} // namespace pneuma::dsp
