#pragma once
// What runs over a byte link (serial, TCP, UDP): a parser plus any handshake the device needs.
// Called on the io thread only; noexcept and allocation-free after construction.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/parsers/parser_stats.hpp"

namespace pneuma::drivers {

class ByteProtocol {
public:
  virtual ~ByteProtocol() = default;
  /// The link has just opened; returns bytes to send (a handshake), possibly none.
  virtual std::span<const std::uint8_t> on_open(double t_s) noexcept = 0;
  /// Bytes arrived at `t_s`; returns bytes to send in answer (handshake steps), possibly none.
  virtual std::span<const std::uint8_t> on_bytes(std::span<const std::uint8_t> bytes, double t_s,
                                                 SampleSink& sink) noexcept = 0;
  /// UDP: one datagram ended.
  virtual void on_datagram_end(double /*t_s*/, SampleSink& /*sink*/) noexcept {}
  /// The link closed: forget partial frames and continuity.
  virtual void on_close() noexcept = 0;
  /// Bytes to send before closing on shutdown (stop acquisition).
  virtual std::span<const std::uint8_t> on_shutdown() noexcept { return {}; }
  /// True once the device streams data (handshake done).
  [[nodiscard]] virtual bool streaming() const noexcept = 0;
  /// Expected time between data arrivals, for the stall watchdog.
  [[nodiscard]] virtual double expected_period_s() const noexcept = 0;
  [[nodiscard]] virtual ParserStats stats() const noexcept = 0;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
};

/// Bridge line protocol (protocols.md §5); `resp_channel` picks the RSP value.
std::unique_ptr<ByteProtocol> make_bridge_protocol(std::size_t resp_channel = 0);
/// BITalino (r)evolution: version handshake, sample rate, start with the belt's channel, stop.
/// `analog_input` 1..6 (A1..A6), `rate_hz` 1/10/100/1000. Throws std::invalid_argument.
std::unique_ptr<ByteProtocol> make_bitalino_protocol(int analog_input = 1, int rate_hz = 100);
/// Arduino Serial-Plotter lines; `expected_hz` only sizes the stall watchdog.
std::unique_ptr<ByteProtocol> make_ascii_protocol(std::size_t column, std::string_view label,
                                                  double expected_hz);

} // namespace pneuma::drivers
