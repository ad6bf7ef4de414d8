#pragma once
// Bluetooth SIG Heart Rate Measurement (0x2A37) and Battery Level (0x2A19) decoders.
// Layout (protocols.md §1): flags u8; HR u8 or u16 (flags bit0); Energy Expended u16 kJ (bit3);
// RR intervals u16 in 1/1024 s (bit4), oldest first, as many as fit. Little-endian.
// Pure functions: no I/O, no clock, no allocation.

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "pneuma/drivers/device.hpp"

namespace pneuma::drivers {

struct HeartRateMeasurement {
  static constexpr std::size_t kMaxRr = 256; // a 512-byte ATT value cannot hold more

  std::uint16_t bpm = 0;
  bool contact_supported = false; ///< flags bit2
  bool contact = false;           ///< flags bit1, meaningful only when supported
  std::optional<std::uint16_t> energy_kj;
  std::size_t rr_count = 0;
  std::array<std::uint16_t, kMaxRr> rr_ticks{}; ///< 1/1024 s, oldest first
  bool malformed = false; ///< an odd trailing byte or a zero RR was dropped (count it)
};

/// Decodes one 0x2A37 value; nullopt when it is too short for its own flags.
std::optional<HeartRateMeasurement> decode_heart_rate(std::span<const std::uint8_t> value) noexcept;

/// Encodes a measurement (uint8 HR unless bpm > 255; EE when set; RRs when any). Returns length.
std::size_t encode_heart_rate(HeartRateMeasurement const& m, std::span<std::uint8_t> out) noexcept;

/// Battery Level 0x2A19: one byte, 0..100 %. nullopt when empty or out of range.
std::optional<std::uint8_t> decode_battery_level(std::span<const std::uint8_t> value) noexcept;

/// Sends HeartRate (stamped `t_s`) and each RrInterval of `m` to `sink`, oldest first. The
/// newest interval ends at `t_s` / `device_t_s`; each earlier one the sum of the later intervals
/// before it, so the beats keep the strap's own timing (an upper bound on each beat's time).
void emit_heart_rate(HeartRateMeasurement const& m, double t_s, double device_t_s,
                     SampleSink& sink) noexcept;

} // namespace pneuma::drivers
