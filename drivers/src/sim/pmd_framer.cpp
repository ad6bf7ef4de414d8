#include "pneuma/drivers/sim/pmd_framer.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::drivers::sim {

PmdFramer::PmdFramer(PmdType type) noexcept
    : type_(type), per_frame_(type == PmdType::ecg ? kEcgPerFrame : kAccPerFrame) {}

void PmdFramer::put(std::int32_t v, std::size_t width) noexcept {
  for (std::size_t i = 0; i < width; ++i) bytes_[len_++] = static_cast<std::uint8_t>((static_cast<std::uint32_t>(v) >> (8 * i)) & 0xFF);
}

bool PmdFramer::finish(double t_s, double device_t_s) noexcept {
  if (++count_ < per_frame_) return false;
  const double dev = std::isfinite(device_t_s) ? device_t_s : t_s;
  const auto ns = kPmdDefaultEpochNs + static_cast<std::uint64_t>(std::llround(std::max(0.0, dev) * 1e9));
  bytes_[0] = static_cast<std::uint8_t>(type_);
  for (std::size_t i = 0; i < 8; ++i) bytes_[1 + i] = static_cast<std::uint8_t>((ns >> (8 * i)) & 0xFF);
  bytes_[9] = type_ == PmdType::ecg ? 0 : 1; // uncompressed: int24 ECG / int16 ACC
  frame_len_ = len_;
  frame_t_s_ = t_s;
  len_ = 10;
  count_ = 0;
  return true;
}

bool PmdFramer::add(EcgSample const& s) noexcept {
  if (type_ != PmdType::ecg) return false;
  put(static_cast<std::int32_t>(std::clamp(std::lround(s.microvolts), -8388608L, 8388607L)), 3);
  return finish(s.t_s, s.device_t_s);
}

bool PmdFramer::add(AccSample const& s) noexcept {
  if (type_ != PmdType::acc) return false;
  for (float v : {s.x_mg, s.y_mg, s.z_mg}) put(static_cast<std::int32_t>(std::clamp(std::lround(v), -32768L, 32767L)), 2);
  return finish(s.t_s, s.device_t_s);
}

} // namespace pneuma::drivers::sim
