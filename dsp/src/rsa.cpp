#include "pneuma/dsp/rsa.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::dsp {

void RsaTracker::beat(double t_s, double rr_ms) noexcept {
  if (std::isnan(open_s_) || !std::isfinite(rr_ms) || rr_ms <= 0 || t_s < open_s_) return;
  if (beats_ == 0) {
    rr_min_ = rr_max_ = rr_ms;
  } else {
    rr_min_ = std::min(rr_min_, rr_ms);
    rr_max_ = std::max(rr_max_, rr_ms);
  }
  ++beats_;
}

std::optional<BreathRsa> RsaTracker::onset(double t_s) noexcept {
  std::optional<BreathRsa> out;
  if (!std::isnan(open_s_)) {
    const double d = t_s - open_s_;
    if (beats_ >= 2 && d >= 1.0 && d <= 30.0)
      out = BreathRsa{open_s_, d, rr_max_ - rr_min_, 60000.0 / rr_min_ - 60000.0 / rr_max_, beats_};
  }
  open_s_ = t_s;
  beats_ = 0;
  return out;
}

std::vector<BreathRsa> rsa_per_breath(std::span<const double> t, std::span<const double> rr, std::span<const double> onsets) {
  std::vector<BreathRsa> out;
  RsaTracker tracker;
  std::size_t b = 0;
  for (double on : onsets) {
    while (b < t.size() && b < rr.size() && t[b] < on) tracker.beat(t[b], rr[b]), ++b;
    if (auto r = tracker.onset(on)) out.push_back(*r);
  }
  return out;
}

} // namespace pneuma::dsp
