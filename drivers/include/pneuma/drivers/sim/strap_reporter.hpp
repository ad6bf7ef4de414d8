#pragma once
// Turns beat times into what a BLE heart-rate strap sends: one notification per second carrying
// the strap's HR (beats/min, uint8) and every RR interval completed since the last one, in 1/1024 s
// ticks, oldest first (Bluetooth SIG Heart Rate Measurement 0x2A37). Ticks are differences of
// rounded beat times, so rounding never accumulates into drift.

#include <array>
#include <cstdint>
#include <optional>

#include "pneuma/drivers/sample.hpp"

namespace pneuma::drivers::sim {

class StrapReporter {
public:
  static constexpr int kMaxRrPerNotification = 9; // 20-byte payload, uint8 HR, no energy field

  struct Notification {
    double t_s = 0;
    std::uint8_t hr_bpm = 0;
    int rr_count = 0;
    std::array<std::uint16_t, kMaxRrPerNotification> rr_ticks{};
  };

  explicit StrapReporter(double first_notification_s = 1.0) : next_s_(first_notification_s) {}

  void add_beat(double beat_s) noexcept;
  /// Returns the notification due at or before `t_s`, if any (call once per step).
  std::optional<Notification> poll(double t_s) noexcept;

private:
  std::optional<std::int64_t> last_tick_;
  std::array<std::uint16_t, kMaxRrPerNotification> pending_{};
  int pending_count_ = 0;
  double hr_bpm_ = 0;
  double next_s_;
};

} // namespace pneuma::drivers::sim
