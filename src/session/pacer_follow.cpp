#include "session/pacer_follow.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::app {

FollowLevel follow_level(FollowResult const& r) noexcept {
  if (!std::isfinite(r.score)) return FollowLevel::unknown;
  if (r.score >= 0.8 && std::abs(r.lag_s) <= 2.0) return FollowLevel::in_step;
  if (r.score >= 0.5) return FollowLevel::close;
  return FollowLevel::off_pace;
}

std::string_view follow_words(FollowLevel level) noexcept {
  switch (level) {
  case FollowLevel::in_step: return "in step";
  case FollowLevel::close: return "nearly with it";
  case FollowLevel::off_pace: return "off the pace";
  default: return "not measured";
  }
}

void PacerFollow::record(double t_s, double position, bool active) noexcept {
  if (next_t_ < 0 || t_s - next_t_ > kCap * kGridS) {
    count_ = head_ = 0;
    next_t_ = std::ceil(t_s / kGridS) * kGridS;
  }
  while (next_t_ <= t_s + 1e-9) {
    pos_[head_] = static_cast<float>(position);
    active_[head_] = active;
    head_ = (head_ + 1) % kCap;
    if (count_ < kCap) ++count_;
    last_t_ = next_t_;
    next_t_ += kGridS;
  }
}

void PacerFollow::record(double t_s, PacerTimeline const& timeline) noexcept {
  if (next_t_ < 0 || t_s - next_t_ > kCap * kGridS) {
    count_ = head_ = 0;
    next_t_ = std::ceil(t_s / kGridS) * kGridS;
  }
  const bool active = !timeline.paused();
  while (next_t_ <= t_s + 1e-9) {
    pos_[head_] = static_cast<float>(timeline.at(next_t_).position);
    active_[head_] = active;
    head_ = (head_ + 1) % kCap;
    if (count_ < kCap) ++count_;
    last_t_ = next_t_;
    next_t_ += kGridS;
  }
}

bool PacerFollow::pacer_at(double t_s, double& position) const noexcept {
  if (count_ == 0) return false;
  const double back = (last_t_ - t_s) / kGridS; // grid steps before the newest point
  if (back < 0 || back > static_cast<double>(count_ - 1)) return false;
  const auto i0 = static_cast<std::size_t>(std::floor(back));
  const double frac = back - static_cast<double>(i0);
  const std::size_t newest = (head_ + kCap - 1) % kCap;
  const std::size_t a = (newest + kCap - i0) % kCap;
  const std::size_t b = (a + kCap - 1) % kCap; // one step older
  if (!active_[a] || (frac > 0 && i0 + 1 < count_ && !active_[b])) return false;
  position = (i0 + 1 < count_) ? pos_[a] + frac * (pos_[b] - pos_[a]) : pos_[a];
  return true;
}

FollowResult PacerFollow::assess(TraceRing<256> const& breath) const noexcept {
  FollowResult result;
  const auto n_window = static_cast<std::size_t>(window_s_ / breath.dt_s);
  if (breath.count < n_window) return result;
  const std::size_t first = breath.count - n_window;
  // Belt statistics over the window.
  double mean_b = 0;
  for (std::size_t i = first; i < breath.count; ++i) mean_b += breath.at(i);
  mean_b /= static_cast<double>(n_window);
  double var_b = 0;
  for (std::size_t i = first; i < breath.count; ++i) {
    const double d = breath.at(i) - mean_b;
    var_b += d * d;
  }
  if (!(var_b > 1e-12) || !std::isfinite(var_b)) return result;

  double best = -2, best_lag = 0;
  for (int k = -10; k <= 30; ++k) {
    const double lag = 0.1 * k + kFilterDelayS;
    double sp = 0, spp = 0, sbp = 0, sb = 0, sbb = 0;
    std::size_t n = 0;
    for (std::size_t i = first; i < breath.count; ++i) {
      double p = 0;
      if (!pacer_at(breath.time_of(i) - lag, p)) continue;
      const double b = breath.at(i) - mean_b;
      sp += p;
      spp += p * p;
      sb += b;
      sbb += b * b;
      sbp += b * p;
      ++n;
    }
    if (n < n_window * 3 / 4) continue; // too much of the window without an active pacer
    const double dn = static_cast<double>(n);
    const double var_p = spp - sp * sp / dn;
    const double var_bn = sbb - sb * sb / dn;
    if (!(var_p > 1e-9) || !(var_bn > 1e-12)) continue;
    const double r = (sbp - sb * sp / dn) / std::sqrt(var_bn * var_p);
    if (r > best) {
      best = r;
      best_lag = 0.1 * k;
    }
  }
  if (best < -1.5) return result;
  result.score = std::clamp(best, 0.0, 1.0);
  result.lag_s = best_lag;
  return result;
}

} // namespace pneuma::app
