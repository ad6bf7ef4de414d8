#include "view/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace pneuma::app {

ClockText::ClockText(double s) noexcept {
  const int total = static_cast<int>(std::max(0.0, std::floor(s + 1e-6)));
  std::snprintf(text, sizeof text, "%02d:%02d", total / 60, total % 60);
}

std::string format_clock(double s) { return ClockText(s).text; }

std::string format_number(double v, int decimals) {
  if (!std::isfinite(v)) return "?";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

ShownValue shown(double value, int decimals, bool good_signal) {
  ShownValue v;
  assign_shown(v, value, decimals, good_signal);
  return v;
}

void assign_shown(ShownValue& out, double value, int decimals, bool good_signal) {
  if (!std::isfinite(value)) {
    out.text.assign("?");
    out.trusted = false;
    return;
  }
  assign_format(out.text, good_signal ? "%.*f" : "%.*f?", decimals, value);
  out.trusted = good_signal;
}

void assign_format(std::string& out, const char* format, ...) {
  char buf[256];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  out.assign(buf, static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

} // namespace pneuma::app
