#include "pneuma/dsp/beat_rate.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pneuma::dsp {

BeatRateTracker::BeatRateTracker(int beats) : beats_(beats) {
  if (beats < 1 || beats > kMaxBeats) throw std::invalid_argument("beat window must be 1..15");
}

std::optional<double> BeatRateTracker::push(double rr_ms) noexcept {
  if (!std::isfinite(rr_ms) || rr_ms < 250.0 || rr_ms > 2500.0) {
    ++rejected_;
    return std::nullopt;
  }
  ring_[static_cast<std::size_t>(next_)] = rr_ms;
  next_ = (next_ + 1) % beats_;
  count_ = std::min(count_ + 1, beats_);
  std::array<double, kMaxBeats> sorted{};
  std::copy_n(ring_.begin(), count_, sorted.begin());
  const auto mid = sorted.begin() + count_ / 2;
  std::nth_element(sorted.begin(), mid, sorted.begin() + count_);
  double median = *mid;
  if (count_ % 2 == 0) median = 0.5 * (median + *std::max_element(sorted.begin(), mid));
  return 60000.0 / median;
}

} // namespace pneuma::dsp
