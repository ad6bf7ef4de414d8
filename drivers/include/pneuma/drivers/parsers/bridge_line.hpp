#pragma once
// The bridge line protocol (protocols.md §5): NMEA-style ASCII lines from an ESP32/phone bridge.
//   $<TAG>,<seq>,<t_us>,<payload>*<CS>\r\n      CS = XOR of the bytes between '$' and '*'
//   TAG: HRM (0x2A37 hex) | PMC (PMD control point hex) | PMD (PMD data hex) | BAT (0x2A19 hex)
//        | RSP (belt: comma-separated ints) | STA (bridge status) | ERR | ACK
// seq (+1 per line) detects lost lines; t_us (wraps at 2^32) is unwrapped into the device time (s)
// of every sample. A lost line's tag is unknown, so a loss is charged to a stream by its cadence:
// when the next RSP (or HRM) line comes more than 1.5 of its own period after the one before, the
// belt (or strap) lost lines -> SignalGap for that stream alone, spanning the two lines' device
// times (a lost HRM line must not break the belt's breathing window, nor a lost RSP line the
// strap's beats). A sequence step back is a bridge restart -> SignalGap for every stream. Garbage is skipped up to the next '$'; lines are bounded.
// HRM/PMD payloads go through the same decoders as the BlueZ path.
// Pure: no I/O, no clock (the caller passes arrival time), no allocation after construction.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/parsers/parser_stats.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"

namespace pneuma::drivers {

/// XOR of every byte (the NMEA checksum of the text between '$' and '*').
std::uint8_t nmea_checksum(std::string_view body) noexcept;

/// Formats one line "$TAG,seq,t_us,payload*CS\r\n" into `out`; returns its length (0: too long).
std::size_t format_bridge_line(std::string_view tag, std::uint32_t seq, std::uint32_t t_us,
                               std::string_view payload, std::span<char> out) noexcept;
/// Lower-case hex of `bytes` into `out`; returns the length (0 when it does not fit).
std::size_t to_hex(std::span<const std::uint8_t> bytes, std::span<char> out) noexcept;

class BridgeLineParser {
public:
  static constexpr std::size_t kMaxLine = 1100; // a 512-byte PMD notification in hex + header

  /// `resp_channel`: which RSP value (0-based) is the belt.
  explicit BridgeLineParser(std::size_t resp_channel = 0) : resp_channel_(resp_channel) {}

  /// Feeds bytes that arrived at host time `t_s`.
  void feed(std::span<const std::uint8_t> bytes, double t_s, SampleSink& sink) noexcept;
  /// Ends a datagram (UDP): a partial line is dropped, not joined to the next datagram.
  void end_of_datagram(double t_s, SampleSink& sink) noexcept;
  /// Forgets sequence and time continuity (after a reconnect).
  void reset() noexcept;

  PmdFrameDecoder& pmd() noexcept { return pmd_; }
  /// Last PMD control-point response seen (PMC lines).
  [[nodiscard]] std::optional<PmdControlResponse> const& last_pmd_control() const noexcept {
    return last_pmc_;
  }
  [[nodiscard]] ParserStats const& stats() const noexcept { return stats_; }

private:
  void line(std::string_view text, double t_s, SampleSink& sink) noexcept;
  void payload(std::string_view tag, std::string_view body, double device_s, double t_s,
               SampleSink& sink) noexcept;

  /// Cadence of one tag's lines, to tell which stream a lost line belonged to.
  struct Cadence {
    double last_device_s = -1; ///< < 0: none seen since the start or a restart
    double last_arrival_s = 0;
    double period_s = 0;        ///< shortest interval between two lines with none lost between
    bool lost_since = false;    ///< lines were lost since this tag's last line
  };
  void cadence(Cadence& c, SignalGap::Stream stream, double device_s, double t_s,
               SampleSink& sink) noexcept;

  std::size_t resp_channel_;
  std::array<char, kMaxLine> buf_{};
  std::size_t len_ = 0;
  bool in_line_ = false;
  bool overflow_ = false;
  std::optional<std::uint32_t> last_seq_;
  std::uint32_t last_t_us_ = 0;
  std::uint64_t t_us_high_ = 0; // unwrapped micros = high + t_us
  double last_arrival_s_ = 0;
  Cadence rsp_, hrm_;
  PmdFrameDecoder pmd_;
  std::optional<PmdControlResponse> last_pmc_;
  std::array<std::uint8_t, kMaxLine / 2> bin_{};
  ParserStats stats_;
};

} // namespace pneuma::drivers
