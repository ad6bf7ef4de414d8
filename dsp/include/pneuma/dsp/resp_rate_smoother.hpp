#pragma once
// Smoothed breathing rate from per-breath rates, and breath-to-breath regularity.
//
// Smoothing: an exponential average over breaths (weight 0.3) for rates within 8 % of the current
// value. A breath further off counts only 0.1 (a missed or a sigh-lengthened breath must not swing
// the number) unless the breath before it already lay at least 20 % of the way towards it: two
// breaths in a row moving the same way are a change of pace, and the new rate is taken at once
// (the mean of both when they agree within 8 %). So a step of pace, whose first peak-to-peak
// period is a mixture of old and new, is followed at its second breath (design.md §7).
// Regularity: coefficient of variation (SD / mean) of the last 8 breath periods.
// Units: breaths/min; CV dimensionless. Delay: none beyond the breaths themselves.
// Thread contract: all members noexcept and allocation-free, one thread.

#include <array>
#include <cmath>

#include "pneuma/dsp/resp_types.hpp"

namespace pneuma::dsp {

class RespRateSmoother {
public:
  static constexpr double kFollow = 0.3;
  static constexpr double kOutlierWeight = 0.1;
  static constexpr double kAgree = 0.08;
  static constexpr int kRegularityBreaths = 8;

  /// Adds one breath's rate (and its period for the regularity); returns the smoothed rate.
  double add(double rate_bpm) noexcept {
    if (!(rate_bpm > 0) || !std::isfinite(rate_bpm)) return smoothed_;
    periods_[static_cast<std::size_t>(next_)] = 60.0 / rate_bpm;
    next_ = (next_ + 1) % kRegularityBreaths;
    if (n_ < kRegularityBreaths) ++n_;
    if (!std::isfinite(smoothed_)) {
      smoothed_ = previous_ = rate_bpm;
      return smoothed_;
    }
    const double dev = (rate_bpm - smoothed_) / smoothed_;
    if (std::abs(dev) <= kAgree) {
      smoothed_ += kFollow * (rate_bpm - smoothed_);
    } else if (std::isfinite(previous_) && (previous_ - smoothed_) / (rate_bpm - smoothed_) >= 0.2) {
      smoothed_ = std::abs(rate_bpm - previous_) <= kAgree * rate_bpm ? 0.5 * (rate_bpm + previous_)
                                                                      : rate_bpm;
    } else {
      smoothed_ += kOutlierWeight * (rate_bpm - smoothed_);
    }
    previous_ = rate_bpm;
    return smoothed_;
  }
  [[nodiscard]] double smoothed_bpm() const noexcept { return smoothed_; }
  /// CV of the last 8 periods (NaN with fewer than 4).
  [[nodiscard]] double regularity_cv() const noexcept {
    if (n_ < 4) return kRespUnknown;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n_; ++i) sum += periods_[static_cast<std::size_t>(i)];
    const double mean = sum / n_;
    for (int i = 0; i < n_; ++i) {
      const double d = periods_[static_cast<std::size_t>(i)] - mean;
      sum2 += d * d;
    }
    return std::sqrt(sum2 / (n_ - 1)) / mean;
  }
  /// Share of the last periods within [0.5, 2] x their median (a rhythm-plausibility score).
  [[nodiscard]] double plausible_share() const noexcept;
  void reset() noexcept {
    smoothed_ = previous_ = kRespUnknown;
    n_ = next_ = 0;
  }

private:
  double smoothed_ = kRespUnknown;
  double previous_ = kRespUnknown;
  std::array<double, kRegularityBreaths> periods_{};
  int n_ = 0, next_ = 0;
};

} // namespace pneuma::dsp
