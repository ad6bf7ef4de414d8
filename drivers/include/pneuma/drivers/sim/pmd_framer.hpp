#pragma once
// Packs the simulated strap's ECG and ACC samples into Polar PMD data notifications (C82) the way
// an H10 sends them (protocols.md §2; polar-ble-sdk PmdDataFrame.kt), for the bridge's PMD lines
// and the mock BlueZ: type u8 | timestamp u64 LE (ns since 2000-01-01, of the frame's last sample)
// | frame type u8 | samples. ECG: frame type 0, int24 LE uV, 73 samples a frame; ACC: frame type 1,
// int16 LE x, y, z in mG, 36 samples a frame (both fill a 232-byte ATT MTU, as the H10 does).
// Time: the strap's clock, which was never set, starts at kPmdDefaultEpochNs (2019-01-01).
// Pure; no allocation; one thread.

#include <array>
#include <cstdint>
#include <span>

#include "pneuma/drivers/parsers/pmd.hpp"
#include "pneuma/drivers/sample.hpp"

namespace pneuma::drivers::sim {

class PmdFramer {
public:
  static constexpr std::size_t kEcgPerFrame = 73, kAccPerFrame = 36;
  explicit PmdFramer(PmdType type) noexcept;
  /// Adds one sample (of this framer's type); true when a frame is complete: frame() holds it
  /// until the next add.
  bool add(EcgSample const& s) noexcept;
  bool add(AccSample const& s) noexcept;
  [[nodiscard]] std::span<const std::uint8_t> frame() const noexcept { return {bytes_.data(), frame_len_}; }
  /// Session time of the completed frame's last sample.
  [[nodiscard]] double frame_t_s() const noexcept { return frame_t_s_; }

private:
  void put(std::int32_t v, std::size_t width) noexcept;
  bool finish(double t_s, double device_t_s) noexcept;

  PmdType type_;
  std::size_t per_frame_;
  std::array<std::uint8_t, 240> bytes_{};
  std::size_t len_ = 10, count_ = 0, frame_len_ = 0;
  double frame_t_s_ = 0;
};

} // namespace pneuma::drivers::sim
