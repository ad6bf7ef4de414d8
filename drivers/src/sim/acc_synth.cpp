#include "pneuma/drivers/sim/acc_synth.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace pneuma::drivers::sim {
namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
constexpr double kGravityMg = 1000.0;
constexpr double kPitchPerDepthDeg = 2.0, kRollPerDepthDeg = 0.6;
constexpr double kPostureMoveS = 1.5;
constexpr double kBcgMg = 3.0, kBcgDelayS = 0.12, kBcgWidthS = 0.04;
constexpr double kMoveRmsMg = 80.0, kMoveLowpassHz = 3.0;
constexpr double kNoiseMg = 2.0;
} // namespace

AccSynth::AccSynth(double fs_hz, std::uint64_t seed, double posture_per_min, double moves_per_min)
    : fs_hz_(fs_hz), rng_(seed ^ 0xACC0ACC0ULL), posture_rate_hz_(posture_per_min / 60.0),
      move_rate_hz_(moves_per_min / 60.0) {
  if (!(fs_hz >= 25 && fs_hz <= 200)) throw std::invalid_argument("sim ACC rate must be 25..200 Hz");
}

AccSample AccSynth::sample(double t, double volume) noexcept {
  const double dt = 1.0 / fs_hz_;
  // Posture: a Poisson change of pitch and roll, eased in over 1.5 s.
  if (t > posture_t0_ + kPostureMoveS && uniform_(rng_) < posture_rate_hz_ * dt) {
    pitch_from_ = pitch_to_;
    roll_from_ = roll_to_;
    pitch_to_ = -10 + 50 * uniform_(rng_);
    roll_to_ = -25 + 50 * uniform_(rng_);
    posture_t0_ = t;
    ++posture_changes_;
  }
  const double x = std::clamp((t - posture_t0_) / kPostureMoveS, 0.0, 1.0);
  const double ease = 0.5 * (1 - std::cos(std::numbers::pi * x));
  const double pitch = (pitch_from_ + ease * (pitch_to_ - pitch_from_) + kPitchPerDepthDeg * volume) * kDeg;
  const double roll = (roll_from_ + ease * (roll_to_ - roll_from_) + kRollPerDepthDeg * volume) * kDeg;
  // Sensor frame of an H10 worn upright: gravity mostly along -x; pitch tips it into z, roll into y.
  double a[3] = {-kGravityMg * std::cos(pitch) * std::cos(roll), kGravityMg * std::sin(roll),
                 kGravityMg * std::sin(pitch) * std::cos(roll)};
  // Heartbeat: the body's recoil as the heart ejects (ballistocardiogram), mostly head-to-foot.
  const double since = t - last_beat_s_ - kBcgDelayS;
  a[0] += kBcgMg * std::exp(-since * since / (2 * kBcgWidthS * kBcgWidthS));
  // Movement: bursts of low-passed motion on all axes.
  if (t > move_end_ && uniform_(rng_) < move_rate_hz_ * dt) {
    move_end_ = t + 1 + 2 * uniform_(rng_);
    ++moves_;
  }
  const double alpha = 1 - std::exp(-2 * std::numbers::pi * kMoveLowpassHz * dt);
  // Two one-pole sections pass about alpha / 4 of a white drive's variance (small alpha): this
  // drive gives a burst RMS of about kMoveRmsMg.
  const double drive = t < move_end_ ? kMoveRmsMg * std::sqrt(4.0 / alpha) : 0.0;
  for (int i = 0; i < 3; ++i) {
    m1_[i] += alpha * (drive * normal_(rng_) - m1_[i]);
    m2_[i] += alpha * (m1_[i] - m2_[i]);
    a[i] += m2_[i] + kNoiseMg * normal_(rng_);
  }
  AccSample s;
  s.t_s = t;
  s.device_t_s = t;
  s.x_mg = static_cast<float>(std::round(a[0]));
  s.y_mg = static_cast<float>(std::round(a[1]));
  s.z_mg = static_cast<float>(std::round(a[2]));
  return s;
}

} // namespace pneuma::drivers::sim
