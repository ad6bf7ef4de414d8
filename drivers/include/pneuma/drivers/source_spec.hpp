#pragma once
// Source strings (design.md §4): "sim:seed=7,rf=5.5", "serial:/dev/ttyUSB0?protocol=bridge&baud=115200",
// "tcp:HOST:PORT", "udp::PORT", "ble:auto", "replay:FILE?speed=2". Parsed once, before streaming.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pneuma::drivers {

struct SourceSpec {
  std::string kind;                          ///< sim, serial, tcp, udp, ble, replay
  std::string target;                        ///< path, host:port, address; empty for sim
  std::map<std::string, std::string> options; ///< key=value pairs

  /// Throws std::invalid_argument with a one-line message naming the bad part.
  static SourceSpec parse(std::string_view text);

  [[nodiscard]] std::optional<std::string> option(std::string const& key) const;
  /// Numeric option; throws std::invalid_argument naming the key when it is not a number in range.
  [[nodiscard]] double number(std::string const& key, double fallback, double lo, double hi) const;
};

} // namespace pneuma::drivers
