#pragma once
// Polar Measurement Data (PMD), the Polar H10's ECG/ACC stream (protocols.md §2; polar-ble-sdk
// PmdDataFrame.kt, PmdControlPointResponse.kt, BlePMDClient.kt).
//   Control point (C81) response: F0 op type status more [setting TLVs]; unsolicited 01 types...
//   Data (C82): type u8 | timestamp u64 LE ns since 2000-01-01 (last sample) | frame type u8 | payload
//     ECG frame 0: int24 LE µV; ACC frame 0/1/2: int8/int16/int24 x,y,z in mG (no factor);
//     frame type bit7: delta-compressed (int16 reference sample, then [bits][count][packed deltas]
//     blocks), ACC only: type 1 x FACTOR = mG, type 0 x FACTOR x 1000 = mG (it counts in G).
//     PPI (type 3) frame 0 (Verity Sense, OH1; polar-ble-sdk PpiData): 6-byte samples
//       hr u8 | PP interval u16 LE ms | PP error estimate u16 LE ms | flags u8 (bit0 PP invalid
//       (blocker), bit1 skin contact, bit2 skin contact supported) -> RrInterval marked optical;
//       an invalid sample or one without skin contact is no beat: dropped, counted
//       (ppi_dropped()) and reported as a SignalGap of the rr stream (the beat chain breaks).
//     Other frame types (ECG 1-3, compressed ECG) and other measurements (PPG) are counted
//     as errors: not what an H10, H9, Verity Sense or OH1 sends on the streams read here.
//   A control-point notification 01 [types...] is the sensor stopping streams itself; with no
//   type listed it is a bare stop (stopped_count 0), not malformed.
// Per-sample device times follow the SDK: Δ = (ts − previous ts)/N when the previous frame is
// known, else 1/fs; the last sample carries ts. Pure: no I/O, no clock, no allocation.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/parsers/parser_stats.hpp"

namespace pneuma::drivers {

enum class PmdType : std::uint8_t { ecg = 0, ppg = 1, acc = 2, ppi = 3, gyro = 5, mag = 6 };

inline constexpr std::string_view kPmdServiceUuid = "fb005c80-02e7-f387-1cad-8acd2d8df0c8";
inline constexpr std::string_view kPmdControlUuid = "fb005c81-02e7-f387-1cad-8acd2d8df0c8";
inline constexpr std::string_view kPmdDataUuid = "fb005c82-02e7-f387-1cad-8acd2d8df0c8";
/// 2019-01-01T00:00:00Z in PMD ns: where an H10 whose time was never set restarts.
inline constexpr std::uint64_t kPmdDefaultEpochNs = 599616000000000000ULL;

/// Allowed (GET) or chosen (START) measurement settings.
struct PmdSettings {
  static constexpr std::size_t kMax = 8;
  std::array<std::uint16_t, kMax> sample_rates{};
  std::size_t sample_rate_count = 0;
  std::array<std::uint16_t, kMax> resolutions{};
  std::size_t resolution_count = 0;
  std::array<std::uint16_t, kMax> ranges{};
  std::size_t range_count = 0;
  std::uint8_t channels = 0;
  float factor = 1.0f;
};

struct PmdControlResponse {
  enum class Kind : std::uint8_t { response, measurement_stopped };
  Kind kind = Kind::response;
  std::uint8_t op = 0;
  std::uint8_t type = 0;   ///< measurement type (mask 0x3F)
  std::uint8_t status = 0; ///< 0 = success, see pmd_status_text
  bool more = false;       ///< continues in another notification
  bool settings_valid = true;
  PmdSettings settings;
  std::array<std::uint8_t, 8> stopped{}; ///< measurement_stopped: the types listed
  std::size_t stopped_count = 0;
};

/// Decodes a control-point notification; nullopt when it is neither F0.. nor 01...
std::optional<PmdControlResponse> decode_pmd_control(std::span<const std::uint8_t> value) noexcept;
/// The PMD feature read (a GATT read of the control point: 0F, then a bitmask; SDK
/// PmdMeasurementType.fromByteArray): bit n of the byte after 0F = measurement type n is offered
/// (bit0 ECG, bit1 PPG, bit2 ACC, bit3 PPI, bit5 GYRO, bit6 MAG, bit7 SKIN_TEMP); nullopt when
/// the value is not one (too short, or not 0F..).
std::optional<std::uint8_t> decode_pmd_features(std::span<const std::uint8_t> value) noexcept;
/// Whether a feature bitmask offers `type` (types 0..7; the others are in a byte not read here).
constexpr bool pmd_offers(std::uint8_t features, std::uint8_t type) noexcept {
  return type < 8 && (features & (1u << type)) != 0;
}
/// Parses setting TLVs [type][count][values...]; false when truncated or of unknown type.
bool decode_pmd_settings(std::span<const std::uint8_t> tlv, PmdSettings& out) noexcept;
std::string_view pmd_status_text(std::uint8_t status) noexcept;

/// A command for the control point (at most 32 bytes).
struct PmdCommand {
  std::array<std::uint8_t, 32> bytes{};
  std::size_t size = 0;
  [[nodiscard]] std::span<const std::uint8_t> view() const noexcept { return {bytes.data(), size}; }
};
PmdCommand pmd_get_settings(PmdType type) noexcept;
/// REQUEST_MEASUREMENT_START: sample rate, resolution, and range when nonzero (ACC).
PmdCommand pmd_start(PmdType type, std::uint16_t sample_rate, std::uint16_t resolution,
                     std::uint16_t range = 0) noexcept;
/// REQUEST_MEASUREMENT_START with no settings, `02 tt`: how the SDK starts PPI (it passes an
/// empty setting set; PPI has no rate or resolution to choose).
PmdCommand pmd_start_bare(PmdType type) noexcept;
PmdCommand pmd_stop(PmdType type) noexcept;

/// Stream configuration a data frame cannot carry (from the START request / response).
struct PmdStreamConfig {
  double sample_rate_hz = 130;
  std::uint8_t resolution_bits = 14; ///< as the sensor reports it (compressed ACC uses 16)
  std::uint8_t channels = 1;
  float factor = 1.0f; ///< FACTOR setting: compressed ACC counts -> mG (x 1000 for type 0)
};

/// Decodes data (C82) notifications into EcgSample / AccSample (+ SignalGap when frames are lost).
class PmdFrameDecoder {
public:
  static constexpr std::size_t kMaxSamplesPerFrame = 512;

  PmdFrameDecoder();
  void configure(PmdType type, PmdStreamConfig config) noexcept;
  /// Forgets previous-frame timestamps (after a reconnect).
  void reset() noexcept;
  /// Decodes one frame arriving at host time `t_s`; `device_t_s` of each sample is PMD time in s.
  /// Returns the samples emitted (0 on a malformed frame, counted in stats()).
  std::size_t decode(std::span<const std::uint8_t> frame, double t_s, SampleSink& sink) noexcept;
  [[nodiscard]] ParserStats const& stats() const noexcept { return stats_; }
  /// PPI samples dropped as invalid (blocker bit) or without skin contact.
  [[nodiscard]] std::uint64_t ppi_dropped() const noexcept { return ppi_dropped_; }

private:
  std::size_t decode_ppi(std::span<const std::uint8_t> frame, double t_s, SampleSink& sink) noexcept;
  std::uint64_t ppi_dropped_ = 0;
  struct Stream {
    PmdStreamConfig config;
    std::optional<std::uint64_t> last_ts;
    double last_arrival_s = 0;
  };
  Stream* stream_for(std::uint8_t type) noexcept;

  Stream ecg_;
  Stream acc_;
  ParserStats stats_;
  std::array<std::array<std::int32_t, 3>, kMaxSamplesPerFrame> values_{};
};

} // namespace pneuma::drivers
