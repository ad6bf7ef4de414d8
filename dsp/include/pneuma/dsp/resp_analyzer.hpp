#pragma once
// The causal respiration pipeline: raw belt / impedance / derived samples in, breaths and running
// breathing metrics out, one sample at a time.
//
//   input (10..1000 Hz, any units, NaN = missing)
//    -> hold of the last valid value for <= 1 s (longer runs: a gap), clip detection
//    -> block average to ~25 Hz (D = round(fs / 25); first null of the boxcar at 25 Hz)
//    -> s = Butterworth low-pass order 2 at 1.5 Hz (detection and timing; group delay 0.15 s,
//           subtracted from the reported times)
//       d = Butterworth band-pass order 2, 0.05-1.0 Hz (3-60/min; spectral rate, polarity, noise)
//    -> polarity: given, or automatic: the end-expiratory level is where a breath dwells (flat
//       troughs, sharp peaks), so a cycle's values pile up near its bottom with a tail up to the
//       peak: positive skewness. Per peak-to-peak cycle, x = skewness of s about the line
//       joining the cycle's ends (a drift is no shape); the median over 15 cycles below -0.35
//       (-0.45 once the polarity was confirmed, x > 0.05) for 5 breaths in a row (after >= 8
//       cycles and 60 s) flips the polarity and restarts the detector. Near-sinusoidal breathing
//       gives no evidence: then the set (default: up) polarity stays. Why skewness: noise
//       independent of the breath adds nothing to the third cumulant, so it shrinks x towards 0
//       but does not turn it over; a measure built on a cycle's extremes does (the minimum of a
//       long, noisy floor lies further below it than the top of a brief peak lies above it).
//    -> BreathDetector (adaptive hysteresis, resp_breath_detector.hpp) on polarity * s
//    -> per breath: onset, peak, inhale, exhale, I:E, depth, rate; RespRateSmoother; sighs
//    -> SpectralRateEstimator (KissFFT, flow-spectrum peak, log-parabolic interpolation) on d
//       (default, live and offline alike: 60 s window, 1 s hop, nfft 2048), the raw input at fs,
//       or off (derived RSA/EDR signals whose spectral rate nobody reads). The raw belt is not
//       the default: its baseline wander and movement steps put 1/f^2 power in the lowest bins.
//
// Two oscillations (the decision): the breath is the oscillation that moves the most air, i.e.
// the flow-spectrum peak (spectral_rate.hpp). When the largest volume oscillation is more than
// 2.2x slower than it (more than two full breaths per slow cycle), the detector's breaths follow
// the slow one, and the flow does reverse at
// the fast one's pace (maxima of s with a hysteresis of 3 noise SDs or 2 % of the range, counted
// over the spectral window, within 25 % of the fast rate; for 3 estimates in a row), a slow
// swing runs under the breath (a posture
// or belt-tension wave, a vasomotor wave, a slow movement): each cycle of the faster oscillation
// is a full breath in and out, the slower one is baseline. The detector then sees s minus its
// centred moving average over one period of the breath (linear phase: its delay, half the
// period, is subtracted from the times; only the report waits longer), which nulls the breath in
// the baseline and leaves the breath above it. RespMetrics says so (two_rhythms, slow_rate_bpm),
// and polarity is not re-decided from such cycles.
//
// Self-check (lock-out): every spectral estimate with a clear peak (quality >= 0.35) compares
// the breath-by-breath rate (RespRateSmoother) with the spectral rhythm. When for >= 10 s they
// differ by > 30 %, or no breath is found while the band holds that rhythm, rate_disputed is set,
// both qualities are multiplied by 0.3 (the window shows `?`), and the detector re-acquires
// (forgets its amplitude and period references) at most every 15 s, so a detector that followed
// the wrong oscillation or lost the breath finds it again within ~30 s.
//
// Signal-quality index (0..1) = valid x snr x rhythm x recency:
//   valid   = 1 - share of the last ~10 s that was missing or clipped
//   snr     = x^2 / (1 + x^2), x = median depth / (6 x noise SD of s)
//   rhythm  = share of the last 8 periods within [0.5, 2] x their median
//   recency = 1 while the last peak is within max(12 s, 2.5 median periods), then falls to 0 over
//             the same span again (apnoea, or a lost signal: either way no valid rate now)
//
// Units: input arbitrary; times in stream seconds = samples / fs + marked gap lengths; rates in
// breaths/min. Delay: boxcar (D - 1) / 2 samples + low-pass 0.15 s + the confirmation fall (12 % of
// a typical depth); about 0.3-0.45 s from a true end of inspiration to its report.
// Thread contract: constructor may throw std::invalid_argument (bad rate or configuration);
// process(), mark_gap() and reset() are noexcept, allocation-free, one thread.

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "pneuma/dsp/butterworth.hpp"
#include "pneuma/dsp/resp_breath_detector.hpp"
#include "pneuma/dsp/resp_rate_smoother.hpp"
#include "pneuma/dsp/resp_types.hpp"
#include "pneuma/dsp/spectral_rate.hpp"
#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

/// What the spectral rate estimator of a RespAnalyzer looks at.
enum class SpectralInput : std::uint8_t {
  bandpassed, ///< d, the 0.05-1.0 Hz band-passed signal at the internal rate
  raw,        ///< the input samples themselves, at fs (non-finite ones dropped)
  off,        ///< no spectral estimate (RespMetrics::spectral_rate_bpm stays NaN)
};

struct RespAnalyzerConfig {
  RespPolarity polarity = RespPolarity::automatic;
  Hz internal{25.0};           ///< target rate after block averaging
  Hz smooth{1.5};              ///< detection low-pass cut-off
  Hz band_lo{0.05};            ///< band-pass edges (3..60/min)
  Hz band_hi{1.0};
  Seconds max_hold{1.0};       ///< NaN runs up to this are bridged by holding the last value
  Seconds restart_gap{2.0};    ///< marked gaps from this length restart the detector
  BreathDetectorConfig detector{};
  SpectralRateConfig spectral{};  ///< 60 s window, 1 s hop, nfft 2048
  SpectralInput spectral_input = SpectralInput::bandpassed;

  /// The live belt: the same analysis as offline (live equals offline).
  static RespAnalyzerConfig live_belt() { return RespAnalyzerConfig{}; }
};

class RespAnalyzer {
public:
  /// Designs the filters for `fs` (>= 4 Hz); throws std::invalid_argument naming the problem.
  RespAnalyzer(RespAnalyzerConfig const& config, SampleRate fs);

  /// One input sample (NaN / inf = missing; so is a magnitude above kMaxInput). Returns
  /// RespEvent bits.
  unsigned process(float x) noexcept;
  /// No respiration sensor reads near this in its own unit (a 32-bit ADC's full scale is 4.3e9
  /// counts): a larger value is a garbled number on the link. Below it the analysis is scale-free
  /// (tested to 1e30); above it the filters' overshoot and the 60-s spectrum's sums, in float,
  /// would reach float's range (3.4e38) and turn the rate and its quality into inf and NaN.
  static constexpr float kMaxInput = 1e32f;
  /// Data known to be missing for `seconds` before the next sample (a device gap). From
  /// `restart_gap` on the breath detector restarts; the spectral window is bridged up to
  /// max_spectral_bridge_s() and reset beyond.
  void mark_gap(double seconds) noexcept;
  [[nodiscard]] double max_spectral_bridge_s() const noexcept { return spectral_.max_bridge_s(); }
  /// Back to the state after construction (design kept).
  void reset() noexcept;
  /// Forgets the spectral window only (a device reported lost samples); breaths are kept.
  void restart_spectral() noexcept { spectral_.reset(); }
  /// Input samples the spectral estimator dropped (non-finite; raw input only).
  [[nodiscard]] std::uint64_t spectral_dropped() const noexcept { return spectral_.dropped(); }

  [[nodiscard]] RespMetrics const& metrics() const noexcept { return metrics_; }
  [[nodiscard]] BreathDetector const& breaths() const noexcept { return detector_; }
  /// The newest breath (valid once metrics().breaths > 0).
  [[nodiscard]] Breath const& last_breath() const noexcept { return detector_.last(); }
  [[nodiscard]] double internal_hz() const noexcept { return internal_hz_; }
  /// Stream time of the next input sample (samples so far / fs + marked gaps), s.
  [[nodiscard]] double next_sample_time_s() const noexcept {
    return static_cast<double>(n_in_) / fs_hz_ + gap_time_s_;
  }
  [[nodiscard]] int decimation() const noexcept { return decimation_; }
  /// Delay subtracted from detected times (boxcar + low-pass group delay), s.
  [[nodiscard]] double timing_delay_s() const noexcept { return delay_s_; }
  /// Latest smoothed detection signal (polarity applied) and band-passed signal, for displays.
  [[nodiscard]] double smoothed() const noexcept { return last_s_; }
  [[nodiscard]] double bandpassed() const noexcept { return last_d_; }
  /// Evidence for the current polarity (median skewness of the last cycles; > 0 right way up),
  /// NaN before any.
  [[nodiscard]] double polarity_score() const noexcept { return polarity_score_; }

private:
  unsigned internal_step(double u) noexcept;
  void update_polarity(unsigned events) noexcept;
  double cycle_skewness() const noexcept;
  void update_quality() noexcept;
  void settle(double u) noexcept;
  void on_spectral(SpectralRate const& sr) noexcept;
  void set_baseline(double rate_bpm) noexcept;
  void self_check(SpectralRate const& sr) noexcept;

  /// Max and min over the last ~12 s, kept as 1-s blocks (a rolling range).
  struct RangeTracker {
    static constexpr int kBlocks = 12;
    std::array<double, kBlocks> hi{}, lo{};
    int n = 0, next = 0, in_block = 0, block_len = 1;
    double cur_hi = 0, cur_lo = 0;
    double blocks_hi = -HUGE_VAL, blocks_lo = HUGE_VAL; ///< over the completed blocks
    void add(double v) noexcept;
    [[nodiscard]] double range() const noexcept;
    [[nodiscard]] double max() const noexcept;
    [[nodiscard]] double min() const noexcept;
    void clear() noexcept {
      n = next = in_block = 0;
      blocks_hi = -HUGE_VAL;
      blocks_lo = HUGE_VAL;
    }
  };

  RespAnalyzerConfig config_;
  double fs_hz_;
  int decimation_;
  double internal_hz_;
  double delay_s_;
  SosCascade lp_, bp_;
  BreathDetector detector_;
  SpectralRateEstimator spectral_;
  RespRateSmoother smoother_;
  RangeTracker s_range_, u_range_, y_range_;
  RespMetrics metrics_{};

  // input stage
  std::uint64_t n_in_ = 0;        ///< input samples consumed (time base)
  double gap_time_s_ = 0;         ///< total marked gap time
  double block_sum_ = 0;
  int block_n_ = 0;
  int block_invalid_ = 0;
  float last_valid_ = 0;
  bool have_valid_ = false;
  int invalid_run_ = 0;
  int max_hold_ = 1;
  bool need_settle_ = true;
  // internal stage
  double last_u_ = 0, last_s_ = 0, last_d_ = 0;
  int flat_run_ = 0;
  double noise_var_ = 0;
  // polarity evidence: skewness of the last peak-to-peak cycles
  static constexpr int kPolarityBreaths = 15;
  static constexpr double kHistoryS = 40.0;
  std::vector<double> history_;   ///< s at the internal rate, kHistoryS long
  std::uint64_t k_internal_ = 0;
  std::array<double, kPolarityBreaths> skew_{};
  int skew_n_ = 0, skew_next_ = 0;
  int against_ = 0;               ///< consecutive breaths whose evidence says flip
  double polarity_score_ = kRespUnknown;
  double sign_ = 1.0;
  bool flipped_ = false;
  double polarity_since_s_ = 0;
  double ema_short_ = 0;           ///< weight of ~10 s exponential averages
  double invalid_ema_ = 0, clipped_ema_ = 0;
  double rhythm_ = 1.0;           ///< plausible share of recent periods (updated per breath)
  // two oscillations: the detector sees s minus its moving average over one breath period
  bool two_rhythms_ = false;
  int rhythm_votes_ = 0;          ///< consecutive estimates against the current mode
  int baseline_len_ = 1;          ///< moving-average length, odd, internal samples
  double baseline_sum_ = 0;
  // self-check: the peaks of the last minute (the spectral window's span)
  std::array<double, 96> peaks_{};
  int peaks_n_ = 0, peaks_next_ = 0;
  [[nodiscard]] double counted_rate_bpm(double window_s) const noexcept;
  // flow reversals: maxima of s with a small hysteresis, whatever their depth
  std::array<double, 96> reversals_{};
  int reversals_n_ = 0, reversals_next_ = 0;
  int flow_dir_ = 0;
  double flow_ext_ = 0;
  void track_reversals(double s, double t, double hysteresis) noexcept;
  [[nodiscard]] double reversal_rate_bpm(double window_s) const noexcept;
  double disputed_s_ = 0;         ///< how long the breaths have contradicted the spectrum
  double last_reacquire_s_ = -1e300;
};

} // namespace pneuma::dsp
