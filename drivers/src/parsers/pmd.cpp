#include "pneuma/drivers/parsers/pmd.hpp"

#include <cmath>
#include <cstring>

namespace pneuma::drivers {
namespace {

std::int32_t sign_extend(std::uint32_t v, unsigned bits) noexcept {
  if (bits == 0 || bits >= 32) return static_cast<std::int32_t>(v);
  const std::uint32_t m = 1u << (bits - 1);
  v &= (1u << bits) - 1u;
  return static_cast<std::int32_t>(v ^ m) - static_cast<std::int32_t>(m);
}

std::uint32_t le(std::span<const std::uint8_t> b, std::size_t at, std::size_t n) noexcept {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(b[at + i]) << (8 * i);
  return v;
}

std::size_t field_size(std::uint8_t setting) noexcept {
  switch (setting) {
  case 0: case 1: case 2: return 2;
  case 3: return 4;
  case 4: return 1;
  case 5: return 4;
  case 6: return 16;
  default: return 0;
  }
}

} // namespace

bool decode_pmd_settings(std::span<const std::uint8_t> tlv, PmdSettings& out) noexcept {
  std::size_t at = 0;
  while (at < tlv.size()) {
    if (at + 2 > tlv.size()) return false;
    const std::uint8_t type = tlv[at];
    const std::size_t count = tlv[at + 1];
    const std::size_t size = field_size(type);
    at += 2;
    if (size == 0 || at + count * size > tlv.size()) return false;
    for (std::size_t i = 0; i < count; ++i, at += size) {
      const std::uint32_t v = size <= 4 ? le(tlv, at, size) : 0;
      auto add = [v](auto& arr, std::size_t& n) {
        if (n < arr.size()) arr[n++] = static_cast<std::uint16_t>(v);
      };
      switch (type) {
      case 0: add(out.sample_rates, out.sample_rate_count); break;
      case 1: add(out.resolutions, out.resolution_count); break;
      case 2: add(out.ranges, out.range_count); break;
      case 4: out.channels = static_cast<std::uint8_t>(v); break;
      case 5: {
        float f = 0;
        std::memcpy(&f, &v, sizeof f);
        if (std::isfinite(f) && f != 0.0f) out.factor = f;
        break;
      }
      default: break; // RANGE_MILLIUNIT, SECURITY: not used for streaming
      }
    }
  }
  return true;
}

std::optional<PmdControlResponse> decode_pmd_control(std::span<const std::uint8_t> v) noexcept {
  PmdControlResponse r;
  // ONLINE_MEASUREMENT_STOPPED, unprompted: 01 then the types the sensor stopped by itself.
  // The SDK (BlePMDClient.processPmdCpCommand) walks whatever types follow, none included: a
  // bare 01 is a stop that names no stream, not a malformed notification.
  if (!v.empty() && v[0] == 0x01) {
    r.kind = PmdControlResponse::Kind::measurement_stopped;
    for (std::size_t i = 1; i < v.size() && r.stopped_count < r.stopped.size(); ++i)
      r.stopped[r.stopped_count++] = static_cast<std::uint8_t>(v[i] & 0x3F);
    return r;
  }
  if (v.size() < 4 || v[0] != 0xF0) return std::nullopt;
  r.op = v[1];
  r.type = static_cast<std::uint8_t>(v[2] & 0x3F);
  r.status = v[3];
  r.more = v.size() > 4 && v[4] != 0;
  if (v.size() > 5) r.settings_valid = decode_pmd_settings(v.subspan(5), r.settings);
  return r;
}

std::optional<std::uint8_t> decode_pmd_features(std::span<const std::uint8_t> v) noexcept {
  if (v.size() < 2 || v[0] != 0x0F) return std::nullopt;
  return v[1];
}

std::string_view pmd_status_text(std::uint8_t status) noexcept {
  static constexpr std::array<std::string_view, 15> kText = {
      "success", "invalid op code", "invalid measurement type", "not supported",
      "invalid length", "invalid parameter", "already in state", "invalid resolution",
      "invalid sample rate", "invalid range", "invalid MTU", "invalid number of channels",
      "invalid state", "device in charger", "disk full"};
  return status < kText.size() ? kText[status] : "unknown status";
}

namespace {
/// A control-point command of an op code and a measurement type alone (GET, START without
/// settings, STOP).
PmdCommand bare_command(std::uint8_t op, PmdType type) noexcept {
  PmdCommand c;
  c.bytes[0] = op;
  c.bytes[1] = static_cast<std::uint8_t>(type);
  c.size = 2;
  return c;
}
} // namespace

PmdCommand pmd_get_settings(PmdType type) noexcept { return bare_command(0x01, type); }

PmdCommand pmd_start(PmdType type, std::uint16_t sample_rate, std::uint16_t resolution,
                     std::uint16_t range) noexcept {
  PmdCommand c;
  std::size_t n = 0;
  auto setting = [&](std::uint8_t id, std::uint16_t v) {
    c.bytes[n++] = id;
    c.bytes[n++] = 1;
    c.bytes[n++] = static_cast<std::uint8_t>(v & 0xFF);
    c.bytes[n++] = static_cast<std::uint8_t>(v >> 8);
  };
  c.bytes[n++] = 0x02;
  c.bytes[n++] = static_cast<std::uint8_t>(type);
  setting(0, sample_rate);
  setting(1, resolution);
  if (range != 0) setting(2, range);
  c.size = n;
  return c;
}

PmdCommand pmd_start_bare(PmdType type) noexcept { return bare_command(0x02, type); }

PmdCommand pmd_stop(PmdType type) noexcept { return bare_command(0x03, type); }

PmdFrameDecoder::PmdFrameDecoder() {
  ecg_.config = PmdStreamConfig{130, 14, 1, 1.0f};
  acc_.config = PmdStreamConfig{200, 16, 3, 1.0f};
}

void PmdFrameDecoder::configure(PmdType type, PmdStreamConfig config) noexcept {
  if (config.channels < 1 || config.channels > 3) config.channels = type == PmdType::acc ? 3 : 1;
  if (config.resolution_bits < 1 || config.resolution_bits > 32) config.resolution_bits = 16;
  if (!(config.sample_rate_hz > 0)) config.sample_rate_hz = 130;
  if (type == PmdType::ecg) ecg_.config = config;
  if (type == PmdType::acc) acc_.config = config;
}

void PmdFrameDecoder::reset() noexcept {
  ecg_.last_ts.reset();
  acc_.last_ts.reset();
}

PmdFrameDecoder::Stream* PmdFrameDecoder::stream_for(std::uint8_t type) noexcept {
  if (type == static_cast<std::uint8_t>(PmdType::ecg)) return &ecg_;
  if (type == static_cast<std::uint8_t>(PmdType::acc)) return &acc_;
  return nullptr;
}

std::size_t PmdFrameDecoder::decode_ppi(std::span<const std::uint8_t> f, double t_s,
                                        SampleSink& sink) noexcept {
  const auto payload = f.subspan(10);
  if (payload.empty() || payload.size() % 6 != 0) {
    ++stats_.errors;
    return 0;
  }
  // No per-sample device time: PPI samples are intervals between estimated pulse peaks (the SDK
  // dropped their timestamp for that reason), so they are chained like a strap's RR intervals.
  std::size_t n = 0, dropped = 0;
  for (std::size_t at = 0; at < payload.size(); at += 6) {
    const unsigned pp_ms = payload[at + 1] | (payload[at + 2] << 8u);
    const std::uint8_t flags = payload[at + 5];
    const bool blocker = (flags & 0x01) != 0;
    const bool contact = (flags & 0x02) != 0, contact_supported = (flags & 0x04) != 0;
    // A blocked sample (motion) or one without skin contact measured no pulse: no beat.
    if (blocker || (contact_supported && !contact) || pp_ms == 0 || pp_ms > 60000) {
      ++dropped;
      continue;
    }
    RrInterval rr{t_s, kNoDeviceTime, static_cast<std::uint16_t>(std::lround(pp_ms * 1.024)), false, true};
    sink.on_sample(rr);
    ++n;
  }
  if (dropped > 0) {
    ppi_dropped_ += dropped;
    // The intervals not measured break the chain of beats: a gap in the rr stream.
    sink.on_sample(SignalGap{t_s, t_s, t_s, static_cast<std::uint32_t>(dropped), SignalGap::Stream::rr});
  }
  ++stats_.frames;
  return n;
}

std::size_t PmdFrameDecoder::decode(std::span<const std::uint8_t> f, double t_s,
                                    SampleSink& sink) noexcept {
  stats_.bytes += f.size();
  if (f.size() < 10) {
    ++stats_.errors;
    return 0;
  }
  const std::uint8_t type = static_cast<std::uint8_t>(f[0] & 0x3F);
  std::uint64_t ts = 0;
  for (std::size_t i = 0; i < 8; ++i) ts |= static_cast<std::uint64_t>(f[1 + i]) << (8 * i);
  const bool compressed = (f[9] & 0x80) != 0;
  const std::uint8_t frame_type = static_cast<std::uint8_t>(f[9] & 0x7F);
  if (type == static_cast<std::uint8_t>(PmdType::ppi)) {
    if (compressed || frame_type != 0) {
      ++stats_.errors; // the SDK knows raw frame type 0 only
      return 0;
    }
    return decode_ppi(f, t_s, sink);
  }
  Stream* stream = stream_for(type);
  if (stream == nullptr) {
    ++stats_.errors; // a type we never asked for
    return 0;
  }
  const auto payload = f.subspan(10);
  const bool is_ecg = type == static_cast<std::uint8_t>(PmdType::ecg);
  const std::size_t channels = is_ecg ? 1 : 3;
  std::size_t n = 0;

  // Frame types Polar's sensors send for the two streams read here (polar-ble-sdk EcgData.kt,
  // AccData.kt): ECG raw type 0 (H10: int24 µV; types 1-3 carry flag bits in their samples and
  // are other sensors' formats; compressed ECG is not a format the SDK knows); ACC raw types
  // 0/1/2 (int8/16/24 per axis, already mG: the SDK applies no factor to them), compressed
  // type 1 (int16 reference and deltas, times the stream's FACTOR into mG: H10 with newer
  // firmware, Verity Sense) and compressed type 0 (the same layout in G, times FACTOR x 1000).
  // H9 has no PMD service; Verity Sense and OH1 have no ECG (their PPI is decoded above, their
  // PPG is not read).
  if (is_ecg ? (compressed || frame_type != 0) : (compressed ? frame_type > 1 : frame_type > 2)) {
    ++stats_.errors;
    return 0;
  }
  float factor = 1.0f; // uncompressed values are the unit already
  if (compressed) factor = frame_type == 0 ? stream->config.factor * 1000.0f : stream->config.factor;

  if (!compressed) {
    std::size_t width = 0;
    if (is_ecg && frame_type == 0) width = 3;
    if (!is_ecg && frame_type <= 2) width = frame_type + 1u;
    const std::size_t sample_bytes = width * channels;
    if (width == 0 || payload.empty() || payload.size() % sample_bytes != 0 ||
        payload.size() / sample_bytes > kMaxSamplesPerFrame) {
      ++stats_.errors;
      return 0;
    }
    n = payload.size() / sample_bytes;
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t c = 0; c < channels; ++c)
        values_[s][c] = sign_extend(le(payload, (s * channels + c) * width, width),
                                    static_cast<unsigned>(8 * width));
  } else {
    // Delta frames (BlePMDClient.kt parseDeltaFramesAll): reference sample, then blocks. ACC
    // references are 16 bits for both compressed types, whatever resolution the stream reports.
    const unsigned res = 16;
    const std::size_t ref_bytes = (res + 7) / 8;
    if (payload.size() < ref_bytes * channels || ref_bytes > 4) {
      ++stats_.errors;
      return 0;
    }
    std::array<std::int32_t, 3> cur{};
    std::size_t at = 0;
    for (std::size_t c = 0; c < channels; ++c, at += ref_bytes)
      cur[c] = sign_extend(le(payload, at, ref_bytes), res);
    values_[n++] = cur;
    while (at < payload.size()) {
      if (at + 2 > payload.size()) { ++stats_.errors; return 0; }
      const unsigned bits = payload[at];
      const std::size_t count = payload[at + 1];
      at += 2;
      const std::size_t total_bits = count * channels * bits;
      const std::size_t bytes = (total_bits + 7) / 8;
      if (bits == 0 || bits > 32 || at + bytes > payload.size() ||
          n + count > kMaxSamplesPerFrame) {
        ++stats_.errors;
        return 0;
      }
      std::size_t bit = 0;
      for (std::size_t s = 0; s < count; ++s) {
        for (std::size_t c = 0; c < channels; ++c) {
          std::uint64_t raw = 0;
          for (unsigned k = 0; k < bits; ++k, ++bit) // LSB-first
            raw |= static_cast<std::uint64_t>((payload[at + bit / 8] >> (bit % 8)) & 1u) << k;
          cur[c] = static_cast<std::int32_t>(static_cast<std::int64_t>(cur[c]) +
                                             sign_extend(static_cast<std::uint32_t>(raw), bits));
        }
        values_[n++] = cur;
      }
      at += bytes;
    }
  }

  // Device times per sample (SDK PmdTimeStampUtils); a backwards stamp is a clock reset.
  const double nominal_ns = 1e9 / stream->config.sample_rate_hz;
  double delta_ns = nominal_ns;
  if (stream->last_ts && ts > *stream->last_ts) {
    const double span_ns = static_cast<double>(ts - *stream->last_ts);
    const double missing = span_ns / nominal_ns - static_cast<double>(n);
    if (missing > 0.5 * static_cast<double>(n) + 1.0) { // whole frames lost in between
      // Whole samples are missing: the span is (n + lost) periods to within the clock's jitter.
      const auto lost = static_cast<std::uint32_t>(std::llround(std::min(missing, 4.0e9)));
      stats_.lost += lost;
      sink.on_sample(SignalGap{t_s, stream->last_arrival_s, t_s, lost,
                                 is_ecg ? SignalGap::Stream::ecg : SignalGap::Stream::acc});
    } else {
      delta_ns = span_ns / static_cast<double>(n);
    }
  }
  stream->last_ts = ts;
  stream->last_arrival_s = t_s;
  const double ts_s = static_cast<double>(ts) * 1e-9;
  for (std::size_t s = 0; s < n; ++s) {
    const double dev = ts_s - delta_ns * 1e-9 * static_cast<double>(n - 1 - s);
    if (is_ecg) {
      sink.on_sample(EcgSample{t_s, dev, static_cast<float>(values_[s][0]) * factor});
    } else {
      sink.on_sample(AccSample{t_s, dev, static_cast<float>(values_[s][0]) * factor,
                               static_cast<float>(values_[s][1]) * factor,
                               static_cast<float>(values_[s][2]) * factor});
    }
  }
  ++stats_.frames;
  return n;
}

} // namespace pneuma::drivers
