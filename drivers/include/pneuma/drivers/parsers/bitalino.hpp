#pragma once
// BITalino (r)evolution live frames (protocols.md §4.1; BITalinoWorld cpp-api bitalino.cpp).
// Frame of n channels = 3,4,6,7,8,8 bytes (n = 1..6), fields counted from the end:
//   b[-1] = seq(4) | CRC4(4); b[-2] = I1 I2 O1 O2 | A1[9:6]; A1..A4 10 bit, A5, A6 6 bit.
// CRC4: x^4+x+1, nibble-wise over the frame with the CRC nibble zeroed.
// Resync: a 4-bit CRC locks falsely one time in 16, so out of sync we accept a position only when
// two consecutive frames pass CRC with consecutive sequence numbers, and shift by one byte otherwise.
// Lost frames (sequence gaps, mod 16) become SignalGap. Device time = frame count / fs.
// Belt values leave as PZT % = (ADC / 2^bits - 1/2) * 100 (PZT datasheet), in [-50, 50].
// Pure: no I/O, no clock, no allocation.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/parsers/parser_stats.hpp"

namespace pneuma::drivers {

struct BitalinoFrame {
  std::uint8_t seq = 0;     ///< 0..15
  std::uint8_t digital = 0; ///< I1 I2 O1 O2 (bits 3..0)
  std::array<std::uint16_t, 6> analog{}; ///< A1..A6 of the acquired channels, in order
};

/// Bytes per frame for `channels` (1..6); 0 when out of range.
std::size_t bitalino_frame_size(int channels) noexcept;
/// CRC4 of a whole frame (its own CRC nibble treated as zero).
std::uint8_t bitalino_crc4(std::span<const std::uint8_t> frame) noexcept;
/// Decodes one frame of the right size; nullopt when the CRC fails.
std::optional<BitalinoFrame> decode_bitalino_frame(std::span<const std::uint8_t> frame,
                                                   int channels) noexcept;
/// Encodes a frame (CRC filled in); returns the size written (0 when `out` is too small).
std::size_t encode_bitalino_frame(BitalinoFrame const& f, int channels,
                                  std::span<std::uint8_t> out) noexcept;
/// PZT respiration sensor transfer function: percent of range, [-50, 50].
double pzt_percent(std::uint16_t adc, int bits) noexcept;
/// ADC bits of acquired channel `index` (0-based): 10 for the first four, 6 for A5/A6.
inline int bitalino_channel_bits(int index) noexcept { return index < 4 ? 10 : 6; }

struct BitalinoVersion {
  int major = 0;
  int minor = 0;
};
/// Finds "BITalino..._vX.Y" in a version reply (anything before the header is ignored).
std::optional<BitalinoVersion> parse_bitalino_version(std::string_view reply) noexcept;

/// Commands (single bytes, sent while idle).
inline constexpr std::uint8_t kBitalinoVersion = 0x07;
inline constexpr std::uint8_t kBitalinoStop = 0x00;
/// Sample-rate command for 1, 10, 100 or 1000 Hz (other values: nullopt).
std::optional<std::uint8_t> bitalino_rate_command(int hz) noexcept;
/// Live-acquisition start for the analog channel mask (bit i = A(i+1)).
inline std::uint8_t bitalino_start_command(std::uint8_t mask) noexcept {
  return static_cast<std::uint8_t>((mask & 0x3F) << 2 | 0x01);
}

class BitalinoParser {
public:
  /// `channels` acquired (1..6), belt at acquired index `resp_index`, sampled at `fs` Hz.
  BitalinoParser(int channels, int resp_index, double fs);
  void feed(std::span<const std::uint8_t> bytes, double t_s, SampleSink& sink) noexcept;
  void reset() noexcept;
  [[nodiscard]] bool synced() const noexcept { return synced_; }
  [[nodiscard]] ParserStats const& stats() const noexcept { return stats_; }

private:
  void try_frame(double t_s, SampleSink& sink) noexcept;
  void emit(BitalinoFrame const& f, double t_s, SampleSink& sink) noexcept;
  void shift_one() noexcept;

  int channels_;
  int resp_index_;
  double fs_;
  std::size_t size_;
  std::array<std::uint8_t, 8> window_{};
  std::size_t count_ = 0;
  bool synced_ = false;
  int misses_ = 0;
  std::optional<BitalinoFrame> pending_;
  std::optional<std::uint8_t> last_seq_;
  std::uint64_t frame_index_ = 0;
  double last_arrival_s_ = 0;
  ParserStats stats_;
};

} // namespace pneuma::drivers
