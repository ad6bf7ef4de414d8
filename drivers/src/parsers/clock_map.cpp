#include "pneuma/drivers/parsers/clock_map.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <variant>

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

namespace {
template <class T> constexpr bool kPmdDomain = std::is_same_v<T, EcgSample> || std::is_same_v<T, AccSample>;
template <class T> constexpr bool kLinkDomain = std::is_same_v<T, RespSample> || std::is_same_v<T, RrInterval>;
} // namespace

void BatchClock::on_sample(DeviceSample const& sample) noexcept {
  if (out_ == nullptr) return;
  if (len_ == batch_.size()) flush();
  batch_[len_++] = sample;
}

void BatchClock::flush() noexcept {
  if (out_ == nullptr) return;
  // Learn from the newest device time of each clock: the samples before it happened earlier.
  double link_dev = -1e300, pmd_dev = -1e300;
  for (std::size_t i = 0; i < len_; ++i) {
    std::visit(
        [&](auto const& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (kPmdDomain<T>) {
            if (std::isfinite(v.device_t_s)) pmd_dev = std::max(pmd_dev, v.device_t_s);
          } else if constexpr (kLinkDomain<T>) {
            if (std::isfinite(v.device_t_s)) link_dev = std::max(link_dev, v.device_t_s);
          }
        },
        batch_[i]);
  }
  if (link_dev > -1e300) (void)link_.map(link_dev, arrival_s_);
  if (pmd_dev > -1e300) (void)pmd_.map(pmd_dev, arrival_s_);
  for (std::size_t i = 0; i < len_; ++i) {
    DeviceSample& s = batch_[i];
    std::visit(
        [&](auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (kPmdDomain<T>) {
            if (std::isfinite(v.device_t_s)) v.t_s = std::min(pmd_.peek(v.device_t_s), arrival_s_);
          } else if constexpr (kLinkDomain<T>) {
            if (std::isfinite(v.device_t_s)) v.t_s = std::min(link_.peek(v.device_t_s), arrival_s_);
          } else if constexpr (std::is_same_v<T, SignalGap>) {
            // A gap the link's clock measured sits where its samples stopped and resumed.
            if (std::isfinite(v.device_from_s) && std::isfinite(v.device_to_s) && link_dev > -1e300) {
              v.from_s = std::min(link_.peek(v.device_from_s), arrival_s_);
              v.to_s = std::max(v.from_s, std::min(link_.peek(v.device_to_s), arrival_s_));
            }
          }
        },
        s);
    out_->on_sample(s);
  }
  len_ = 0;
}

void BatchClock::reset() noexcept {
  len_ = 0;
  link_.reset();
  pmd_.reset();
}

} // namespace pneuma::drivers
