#pragma once
// Maps a device clock (PMD ns, bridge t_us, BITalino sample count) onto the host session clock.
//
// host = device + offset + drift * (device - anchor). Transport delay only ever adds, so the
// mapping tracks the lower envelope of (host - device): an early arrival pulls the offset down at
// once, late ones lift it by a small fraction, slewed at most 500 µs per device second (so a slow
// device clock is followed, while a burst after a delay keeps the device's spacing).
// Drift: slope between the minima of the first and the latest 10-s window (needs >= 30 s, capped
// at ±1000 ppm). A backwards step or a jump of more than `reset_after_s` between the two clocks
// re-anchors the map (an H10 whose clock reset to 2019, a bridge reboot).
// Pure: no I/O, no clock of its own, no allocation; one thread.

#include <optional>

namespace pneuma::drivers {

class DeviceClockMap {
public:
  explicit DeviceClockMap(double reset_after_s = 5.0) : reset_after_s_(reset_after_s) {}

  /// Host time of `device_s`, learning from the pair (device_s arrived at host_s).
  double map(double device_s, double host_s) noexcept;
  /// Host time of `device_s` without learning (for samples of a frame before its last one).
  [[nodiscard]] double peek(double device_s) const noexcept;
  void reset() noexcept { anchored_ = false; resets_ = 0; }
  [[nodiscard]] double drift_ppm() const noexcept { return drift_ * 1e6; }
  [[nodiscard]] double offset_s() const noexcept { return offset_; }
  /// Times the map re-anchored after a clock jump (not counting the first anchor).
  [[nodiscard]] int resets() const noexcept { return resets_; }

private:
  void anchor(double device_s, double host_s) noexcept;

  double reset_after_s_;
  bool anchored_ = false;
  int resets_ = 0;
  double anchor_dev_ = 0, offset_ = 0, drift_ = 0, last_dev_ = 0;
  // windowed minima of (host - device) for the drift fit
  double first_win_start_ = 0, first_win_min_ = 0;
  double win_start_ = 0, win_min_ = 0;
  bool first_done_ = false;
};

} // namespace pneuma::drivers
