#include "ui/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/paint.hpp"

namespace pneuma::ui {

std::string format_clock(double s) {
  const int total = static_cast<int>(std::max(0.0, std::floor(s + 1e-6)));
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02d:%02d", total / 60, total % 60);
  return buf;
}

std::string format_number(double v, int decimals) {
  if (!std::isfinite(v)) return "?";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

ShownValue shown(double value, int decimals, bool good_signal) {
  if (!std::isfinite(value)) return {"?", false};
  if (!good_signal) return {format_number(value, decimals) + "?", false};
  return {format_number(value, decimals), true};
}

SDL_Color state_colour(drivers::DeviceStatus::State state) {
  using S = drivers::DeviceStatus::State;
  switch (state) {
  case S::streaming: return palette::kGood;
  case S::connecting:
  case S::reconnecting: return palette::kNearly;
  case S::stalled: return palette::kWarn;
  case S::lost:
  case S::error: return palette::kBad;
  default: return palette::kMuted;
  }
}

} // namespace pneuma::ui
