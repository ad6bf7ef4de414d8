#include "pneuma/dsp/resp_compliance.hpp"

#include <cmath>
#include <numbers>

namespace pneuma::dsp {

ComplianceReading PacerCompliance::on_breath(double cycles, double pacer_rate_bpm,
                                             double breath_rate_bpm) noexcept {
  if (!std::isfinite(cycles) || !(pacer_rate_bpm > 0)) return reading_;
  const double frac = cycles - std::floor(cycles + 0.5); // [-0.5, 0.5): + = after the pacer
  const double angle = 2.0 * std::numbers::pi * frac;
  constexpr double w = 0.3;
  if (!have_phase_) {
    cos_ = std::cos(angle);
    sin_ = std::sin(angle);
    have_phase_ = true;
  } else {
    cos_ += w * (std::cos(angle) - cos_);
    sin_ += w * (std::sin(angle) - sin_);
  }
  const double mean_frac = std::atan2(sin_, cos_) / (2.0 * std::numbers::pi);
  reading_.lag_deg = 360.0 * mean_frac;
  reading_.lag_s = mean_frac * 60.0 / pacer_rate_bpm;
  hits_[static_cast<std::size_t>(next_hit_)] = std::abs(frac) <= 0.15 ? 1 : 0;
  next_hit_ = (next_hit_ + 1) % static_cast<int>(hits_.size());
  if (n_hits_ < static_cast<int>(hits_.size())) ++n_hits_;
  int sum = 0;
  for (int i = 0; i < n_hits_; ++i) sum += hits_[static_cast<std::size_t>(i)];
  reading_.in_phase = static_cast<double>(sum) / n_hits_;
  reading_.rate_error_bpm =
      std::isfinite(breath_rate_bpm) ? breath_rate_bpm - pacer_rate_bpm : kRespUnknown;
  return reading_;
}

void PacerCompliance::reset() noexcept {
  reading_ = {};
  have_phase_ = false;
  n_hits_ = next_hit_ = 0;
}

} // namespace pneuma::dsp
