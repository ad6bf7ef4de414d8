#pragma once
// Arduino Serial-Plotter lines (arduino/Arduino ArduinoSerialPlotterProtocol.md; protocols.md §4.3):
// a line ends with "\n" or "\r\n"; fields are separated by space, tab or comma; a field is a bare
// number or "label:value". The belt is the value at `column` (0-based), or the one labelled
// `label` when set. Empty lines are skipped; a line without that number is garbage (counted) and
// the next line parses normally; over-long lines are dropped whole. No sequence number, no clock:
// samples carry their arrival time. Pure: no I/O, no allocation.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/parsers/parser_stats.hpp"

namespace pneuma::drivers {

class AsciiPlotterParser {
public:
  static constexpr std::size_t kMaxLine = 256;
  static constexpr std::size_t kMaxLabel = 32;

  explicit AsciiPlotterParser(std::size_t column = 0, std::string_view label = {});
  void feed(std::span<const std::uint8_t> bytes, double t_s, SampleSink& sink) noexcept;
  void reset() noexcept { len_ = 0; overflow_ = false; }
  [[nodiscard]] ParserStats const& stats() const noexcept { return stats_; }

private:
  void line(std::string_view text, double t_s, SampleSink& sink) noexcept;

  std::size_t column_;
  std::array<char, kMaxLabel> label_{};
  std::size_t label_len_ = 0;
  std::array<char, kMaxLine> buf_{};
  std::size_t len_ = 0;
  bool overflow_ = false;
  ParserStats stats_;
};

} // namespace pneuma::drivers
