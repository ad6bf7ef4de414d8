#pragma once
// Breathing without a belt: surrogate respiration signals that feed the same RespAnalyzer.
//
// * RSA (respiratory sinus arrhythmia): heart rate rises on inspiration. Each beat gives
//   HR = 60000 / RR [beats/min] at its R time; the beat series is linearly interpolated onto an
//   even 4 Hz grid (HeartPy calc_breathing and NeuroKit use 4 Hz-1 kHz splines; linear keeps it
//   causal: a grid point is emitted once the next beat is in, i.e. one RR interval of delay).
// * EDR (ECG-derived respiration, R-amplitude modulation): the chest's impedance and the heart's
//   electrical axis change with lung volume, so the R-wave amplitude follows breathing. Per R peak
//   (sample index from any R detector): amplitude = ECG[R] - mean ECG over [R - 110 ms, R - 70 ms]
//   (the PR segment as the local baseline); the beat series is then resampled like RSA.
// * Chest accelerometer (Polar H10 ACC, mg): breathing tilts the chest wall. Gravity and posture
//   are removed by subtracting an exponential average per axis (time constant 30 s: EBYT's EMA
//   alpha 0.999 is 10 s, which at 4.5/min leads the breath by 0.45 s and bends the
//   end-expiratory pause enough to move onsets by 0.5 s; posture steps are re-seated at once
//   anyway, see below), the remainder is low-passed (Butterworth order 2 at 1 Hz) and projected on
//   its principal axis: the top eigenvector of its 3x3 covariance (exponential, 30 s), updated
//   every 0.2 s and kept sign-continuous (algorithms.md "Every-Breath-You-Take"). A change of
//   posture (motion > 6 x the breathing RMS and > 40 mg) re-seats the gravity estimate at once.
// Output polarity: RSA and EDR rise with inspiration in most people and leads, but not all; use
// RespPolarity::automatic downstream. Units: RSA beats/min, EDR ECG units, ACC mg.
// Delay: RSA/EDR one RR interval; ACC the low-pass (about 0.2 s).
// Thread contract: constructors may throw; push()/process() are noexcept, allocation-free, one
// thread. The offline helpers allocate.

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "pneuma/dsp/butterworth.hpp"
#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

/// Beat-synchronous values (one per R peak) -> an even grid, by linear interpolation.
class BeatSeriesResampler {
public:
  /// `out` grid rate (4 Hz is usual); intervals longer than `max_gap` emit NaN (missed beats).
  /// Throws std::invalid_argument outside 0.5..100 Hz or for max_gap <= 0.
  explicit BeatSeriesResampler(Hz out = Hz(4.0), Seconds max_gap = Seconds(3.0));
  /// One beat value at `t_s`; writes the grid samples that became known into `out` and returns
  /// their count. A stretch longer than out.size() grid samples (only a hole of missed beats is
  /// that long) is not written, so the work stays bounded whatever the hole: `hole` is set to
  /// its length in grid samples (all missing), else 0, and the caller keeps its time by them
  /// (RespAnalyzer::mark_gap live, NaN samples offline). Non-finite values, times that do not
  /// advance and times so far out that the grid index would lose its precision (beyond 2^52
  /// samples: a corrupt clock) are dropped and counted.
  std::size_t push(double t_s, double value, std::span<float> out, std::uint64_t& hole) noexcept;
  [[nodiscard]] double out_hz() const noexcept { return out_hz_; }
  /// Time of the first grid sample (the first beat), NaN before any.
  [[nodiscard]] double start_s() const noexcept { return start_s_; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
  void reset() noexcept;

private:
  double out_hz_, max_gap_s_;
  double start_s_;
  double last_t_ = 0, last_v_ = 0;
  bool have_last_ = false;
  std::uint64_t next_k_ = 0; ///< next grid index to emit
  std::uint64_t dropped_ = 0;
};

/// Rejects beat values far from their neighbours (a missed or false R peak, an ectopic beat).
/// Two rules:
/// * median (default; R amplitudes): |v - median of the last 9 accepted| > 4 x 1.4826 x MAD;
/// * step (RR intervals): |v - last accepted| > max_step x last accepted (Malik et al. 1989:
///   an interval that differs from the previous one by more than 20 % is not sinus). Sinus
///   rhythm changes RR smoothly even in deep slow breathing (a 20-bpm RSA swing over 3-4 beats
///   is 4-8 % a beat), while the 9-beat median spans more than half a slow breath, so at
///   4.5-6/min it sat on one plateau of the RSA wave and cut off the other's beats.
/// Rejected beats are skipped (the resampler interpolates across them); 5 in a row are taken as
/// a new level.
class BeatOutlierGate {
public:
  /// `max_step` > 0: the step rule with that relative limit; 0: the median rule.
  explicit BeatOutlierGate(double max_step = 0.0) noexcept : max_step_(max_step) {}
  /// True if `v` is accepted (it then joins the history).
  bool accept(double v) noexcept;
  [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_; }

private:
  double max_step_;
  std::array<double, 9> ring_{};
  int n_ = 0, next_ = 0, run_ = 0;
  double last_ = 0;
  std::uint64_t rejected_ = 0;
};

/// R-wave amplitude against the PR-segment baseline (see the banner); NaN if the window is cut.
double r_wave_amplitude(std::span<const double> ecg, SampleRate fs, std::size_t r_index) noexcept;

/// Accelerometer samples (any rate 25..1000 Hz, irregular arrival) -> an even grid by their own
/// (device) time: each grid bin is the mean of the samples inside it (a boxcar, first null at the
/// grid rate, so 0.05-0.7 Hz breathing passes unchanged). An empty bin is NaN; a jump of the time
/// by more than `max_gap` (lost frames, a reconnect) restarts the grid and reports the jump.
class AccGrid {
public:
  struct Bin {
    float x = 0, y = 0, z = 0; ///< mean, mg; NaN when the bin held no sample
  };
  /// Throws std::invalid_argument outside 4..100 Hz or for max_gap <= 0.
  explicit AccGrid(Hz out = Hz(25.0), Seconds max_gap = Seconds(2.0));
  /// One sample at time `t_s`; completed bins go to `out` (the count is returned; bins beyond
  /// out.size() are dropped and counted). `restart_gap_s` is set to the jump (s) when the grid
  /// restarted before this sample, else 0. Out-of-order and non-finite samples are dropped.
  std::size_t push(double t_s, float x, float y, float z, std::span<Bin> out, double& restart_gap_s) noexcept;
  /// Time of the start of bin 0 of the current grid (NaN before any sample).
  [[nodiscard]] double start_s() const noexcept { return start_s_; }
  [[nodiscard]] double out_hz() const noexcept { return out_hz_; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
  void reset() noexcept;

private:
  double out_hz_, max_gap_s_;
  double start_s_;
  double last_t_ = 0;
  std::uint64_t k_ = 0; ///< index of the bin being filled
  double sx_ = 0, sy_ = 0, sz_ = 0;
  int n_ = 0;
  std::uint64_t dropped_ = 0;
};

/// Chest accelerometer -> respiration surrogate, one sample at a time.
class AccBreathing {
public:
  static constexpr double kGravityTauS = 30.0; ///< time constant of the gravity average
  explicit AccBreathing(SampleRate fs);
  /// One 3-axis sample in mg; returns the projected, filtered value (0 until settled).
  float process(float x_mg, float y_mg, float z_mg) noexcept;
  /// Times the gravity estimate was re-seated after a change of posture.
  [[nodiscard]] std::uint64_t posture_changes() const noexcept { return posture_changes_; }
  /// Group delay of the low-pass at breathing rates (far below its 1 Hz): sqrt(2) / (2 pi fc), s.
  [[nodiscard]] double delay_s() const noexcept { return delay_s_; }
  /// Current principal (breathing) axis, unit vector.
  [[nodiscard]] Eigen::Vector3d const& axis() const noexcept { return axis_; }
  void reset() noexcept;

private:
  double fs_hz_;
  double delay_s_;
  double gravity_alpha_, cov_alpha_;
  int update_every_;
  int since_update_ = 0;
  bool started_ = false;
  Eigen::Vector3d gravity_ = Eigen::Vector3d::Zero();
  static constexpr double kPostureFactor = 6.0; ///< x the RMS of the breathing motion
  static constexpr double kPostureMinMg = 40.0;
  Eigen::Matrix3d cov_ = Eigen::Matrix3d::Zero();
  double power_ = 0;              ///< mean squared filtered motion (30 s)
  std::uint64_t posture_changes_ = 0;
  Eigen::Vector3d axis_ = Eigen::Vector3d::UnitZ();
  std::array<SosCascade, 3> lp_;
};

/// Offline: 4 Hz heart-rate series from beat times (s) and their RR intervals (ms).
std::vector<double> rsa_series(std::span<const double> beat_s, std::span<const double> rr_ms,
                               double out_hz = 4.0);
/// Offline: 4 Hz R-amplitude series from an ECG and its R-peak sample indices.
std::vector<double> edr_series(std::span<const double> ecg, SampleRate fs,
                               std::span<const std::size_t> r_indices, double out_hz = 4.0);
/// Offline: the accelerometer surrogate at the input rate.
std::vector<double> acc_series(std::span<const double> x, std::span<const double> y,
                               std::span<const double> z, SampleRate fs);

} // namespace pneuma::dsp
