#include "pneuma/drivers/sim/ecg_synth.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace pneuma::drivers::sim {
namespace {
constexpr double kDeg = std::numbers::pi / 180.0;
constexpr std::array<double, 5> kTheta = {-70 * kDeg, -15 * kDeg, 0, 15 * kDeg, 100 * kDeg};
constexpr std::array<double, 5> kA = {1.2, -5, 30, -7.5, 0.75};
constexpr std::array<double, 5> kB = {0.25, 0.1, 0.1, 0.1, 0.4};
constexpr double kMvPerUnit = 1.0 / (30 * 0.1 * 0.1); // R weight a b^2 -> 1 mV
} // namespace

EcgSynth::EcgSynth(double fs_hz, std::uint64_t seed, double noise_uv)
    : fs_hz_(fs_hz), rng_(seed ^ 0xECC0ULL), noise_(0.0, noise_uv > 0 ? noise_uv : 1e-12) {
  if (!(fs_hz >= 50 && fs_hz <= 2000)) throw std::invalid_argument("sim ECG rate must be 50..2000 Hz");
}

void EcgSynth::volume(double t_s, double v) noexcept {
  vol_t_[static_cast<std::size_t>(vol_head_)] = t_s;
  vol_v_[static_cast<std::size_t>(vol_head_)] = v;
  vol_head_ = (vol_head_ + 1) % static_cast<int>(vol_t_.size());
  vol_count_ = std::min(vol_count_ + 1, static_cast<int>(vol_t_.size()));
}

double EcgSynth::volume_at(double t) const noexcept {
  // Newest first: the requested time is at most a few seconds old.
  const int n = static_cast<int>(vol_t_.size());
  for (int k = 0; k + 1 < vol_count_; ++k) {
    const auto i = static_cast<std::size_t>((vol_head_ - 1 - k + n) % n);
    const auto j = static_cast<std::size_t>((vol_head_ - 2 - k + n) % n);
    if (vol_t_[j] <= t) {
      const double w = vol_t_[i] > vol_t_[j] ? (t - vol_t_[j]) / (vol_t_[i] - vol_t_[j]) : 0.0;
      return vol_v_[j] + std::clamp(w, 0.0, 1.0) * (vol_v_[i] - vol_v_[j]);
    }
  }
  return vol_count_ > 0 ? vol_v_[static_cast<std::size_t>((vol_head_ - 1 + n) % n)] : 0.0;
}

float EcgSynth::sample(double t, double beat0, double beat1) noexcept {
  const double rr = beat1 - beat0;
  const double theta = 2 * std::numbers::pi * (t - beat0) / rr;
  const double hrfact = std::sqrt(60.0 / rr / 60.0), hrfact2 = std::sqrt(hrfact);
  const std::array<double, 5> angle_scale = {hrfact2, hrfact, 1, hrfact, hrfact2};
  const double v = volume_at(t);
  double mv = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    double d = std::remainder(theta - kTheta[i] * angle_scale[i], 2 * std::numbers::pi);
    const double b = kB[i] * hrfact;
    double w = kA[i] * kB[i] * kB[i] * kMvPerUnit;
    if (i == 2) w *= 1.0 + 0.08 * std::sin(2 * std::numbers::pi * std::clamp(v, 0.0, 1.5) / 1.5 - std::numbers::pi / 2);
    mv += w * std::exp(-d * d / (2 * b * b));
  }
  mv += 0.15 * v;
  return static_cast<float>(1000.0 * mv + noise_(rng_));
}

} // namespace pneuma::drivers::sim
