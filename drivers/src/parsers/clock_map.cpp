#include "pneuma/drivers/parsers/clock_map.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::drivers {
namespace {
constexpr double kWindowS = 10.0;
constexpr double kMinFitSpanS = 30.0;
constexpr double kMaxDrift = 1e-3;
constexpr double kRiseFraction = 0.002; // late arrivals lift the offset this much per sample...
constexpr double kMaxSlew = 5e-4;       // ...but by at most 500 µs per device second
} // namespace

void DeviceClockMap::anchor(double device_s, double host_s) noexcept {
  anchored_ = true;
  anchor_dev_ = device_s;
  offset_ = host_s - device_s;
  drift_ = 0;
  last_dev_ = device_s;
  first_win_start_ = win_start_ = device_s;
  first_win_min_ = win_min_ = offset_;
  first_done_ = false;
}

double DeviceClockMap::peek(double device_s) const noexcept {
  if (!anchored_) return device_s;
  return device_s + offset_ + drift_ * (device_s - anchor_dev_);
}

double DeviceClockMap::map(double device_s, double host_s) noexcept {
  if (!std::isfinite(device_s) || !std::isfinite(host_s)) return host_s;
  if (!anchored_) {
    anchor(device_s, host_s);
    return host_s;
  }
  const double predicted = peek(device_s);
  const bool backwards = device_s < last_dev_ - 1e-6;
  if (backwards || std::abs(host_s - predicted) > reset_after_s_) {
    ++resets_;
    anchor(device_s, host_s);
    return host_s;
  }
  const double step = std::max(0.0, device_s - last_dev_);
  last_dev_ = device_s;
  const double residual = host_s - predicted; // >= 0 when the map is right: delay only adds
  offset_ += residual < 0 ? residual : std::min(kRiseFraction * residual, kMaxSlew * step);

  // Drift from windowed minima of the raw offset.
  const double raw = host_s - device_s;
  if (device_s - win_start_ >= kWindowS) {
    if (!first_done_) {
      first_done_ = true;
      first_win_min_ = win_min_;
    } else if (win_start_ - first_win_start_ >= kMinFitSpanS) {
      const double span = win_start_ - first_win_start_;
      const double slope = std::clamp((win_min_ - first_win_min_) / span, -kMaxDrift, kMaxDrift);
      // Re-express the map with the new drift, continuous at this device time.
      const double here = peek(device_s);
      drift_ = slope;
      offset_ = here - device_s - drift_ * (device_s - anchor_dev_);
    }
    win_start_ = device_s;
    win_min_ = raw;
  } else {
    win_min_ = std::min(win_min_, raw);
  }
  return std::min(peek(device_s), host_s); // never in the future of its own arrival
}

} // namespace pneuma::drivers
