#include "pneuma/drivers/sim/strap_reporter.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::drivers::sim {

void StrapReporter::add_beat(double beat_s) noexcept {
  const auto tick = static_cast<std::int64_t>(std::llround(beat_s * 1024.0));
  if (last_tick_) {
    const std::int64_t rr = tick - *last_tick_;
    if (rr > 0 && rr <= 0xFFFF) {
      if (pending_count_ < kMaxRrPerNotification)
        pending_[static_cast<std::size_t>(pending_count_++)] = static_cast<std::uint16_t>(rr);
      hr_bpm_ = 60.0 * 1024.0 / static_cast<double>(rr);
    }
  }
  last_tick_ = tick;
}

std::optional<StrapReporter::Notification> StrapReporter::poll(double t_s) noexcept {
  if (t_s < next_s_) return std::nullopt;
  next_s_ += 1.0;
  if (hr_bpm_ <= 0) return std::nullopt; // strap still locking on
  Notification n;
  n.t_s = t_s;
  n.hr_bpm = static_cast<std::uint8_t>(std::clamp(std::lround(hr_bpm_), 0L, 255L));
  n.rr_count = pending_count_;
  n.rr_ticks = pending_;
  pending_count_ = 0;
  return n;
}

} // namespace pneuma::drivers::sim
