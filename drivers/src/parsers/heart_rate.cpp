#include "pneuma/drivers/parsers/heart_rate.hpp"


namespace pneuma::drivers {
namespace {
std::uint16_t le16(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}
} // namespace

std::optional<HeartRateMeasurement> decode_heart_rate(std::span<const std::uint8_t> v) noexcept {
  if (v.size() < 2) return std::nullopt;
  const std::uint8_t flags = v[0];
  HeartRateMeasurement m;
  std::size_t at = 1;
  if (flags & 0x01) {
    if (v.size() < 3) return std::nullopt;
    m.bpm = le16(v, at);
    at += 2;
  } else {
    m.bpm = v[at++];
  }
  m.contact_supported = (flags & 0x04) != 0;
  m.contact = m.contact_supported && (flags & 0x02) != 0;
  if (flags & 0x08) {
    if (v.size() < at + 2) return std::nullopt;
    m.energy_kj = le16(v, at);
    at += 2;
  }
  if (flags & 0x10) {
    if ((v.size() - at) % 2 != 0) m.malformed = true; // odd trailing byte: dropped
    for (; at + 1 < v.size(); at += 2) {
      const std::uint16_t rr = le16(v, at);
      if (rr == 0 || m.rr_count == m.rr_ticks.size()) {
        m.malformed = true;
        continue;
      }
      m.rr_ticks[m.rr_count++] = rr;
    }
  } else if (at != v.size()) {
    m.malformed = true; // bytes the flags do not account for
  }
  return m;
}

std::size_t encode_heart_rate(HeartRateMeasurement const& m, std::span<std::uint8_t> out) noexcept {
  const bool wide = m.bpm > 255;
  const std::size_t need = 1 + (wide ? 2 : 1) + (m.energy_kj ? 2 : 0) + 2 * m.rr_count;
  if (out.size() < need) return 0;
  std::uint8_t flags = wide ? 0x01 : 0x00;
  if (m.contact_supported) flags |= static_cast<std::uint8_t>(0x04 | (m.contact ? 0x02 : 0));
  if (m.energy_kj) flags |= 0x08;
  if (m.rr_count > 0) flags |= 0x10;
  std::size_t at = 0;
  out[at++] = flags;
  out[at++] = static_cast<std::uint8_t>(m.bpm & 0xFF);
  if (wide) out[at++] = static_cast<std::uint8_t>(m.bpm >> 8);
  if (m.energy_kj) {
    out[at++] = static_cast<std::uint8_t>(*m.energy_kj & 0xFF);
    out[at++] = static_cast<std::uint8_t>(*m.energy_kj >> 8);
  }
  for (std::size_t i = 0; i < m.rr_count; ++i) {
    out[at++] = static_cast<std::uint8_t>(m.rr_ticks[i] & 0xFF);
    out[at++] = static_cast<std::uint8_t>(m.rr_ticks[i] >> 8);
  }
  return at;
}

std::optional<std::uint8_t> decode_battery_level(std::span<const std::uint8_t> v) noexcept {
  if (v.size() != 1 || v[0] > 100) return std::nullopt;
  return v[0];
}

void emit_heart_rate(HeartRateMeasurement const& m, double t_s, double device_t_s,
                     SampleSink& sink) noexcept {
  sink.on_sample(HeartRate{t_s, static_cast<float>(m.bpm), m.contact_supported, m.contact});
  // The intervals are the beats since the last notification, oldest first, the newest ending
  // just before the notification was sent: beat i ended the sum of the later intervals before
  // it. Stamping them all with the notification's time would record beats a notification
  // period apart whatever their RR (the strap's beat timing lost).
  std::uint32_t later_ticks = 0;
  for (std::size_t i = 0; i < m.rr_count; ++i) later_ticks += m.rr_ticks[i];
  for (std::size_t i = 0; i < m.rr_count; ++i) {
    later_ticks -= m.rr_ticks[i];
    const double back_s = later_ticks / 1024.0;
    sink.on_sample(RrInterval{t_s - back_s, device_t_s - back_s, m.rr_ticks[i]}); // NaN stays NaN
  }
}

} // namespace pneuma::drivers
