#include "pneuma/drivers/parsers/bitalino.hpp"

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace pneuma::drivers {
namespace {
constexpr std::array<std::uint8_t, 16> kCrc4 = {0, 3, 6, 5, 12, 15, 10, 9, 11, 8, 13, 14, 7, 4, 1, 2};
} // namespace

std::size_t bitalino_frame_size(int channels) noexcept {
  static constexpr std::array<std::size_t, 7> kSize = {0, 3, 4, 6, 7, 8, 8};
  return channels >= 1 && channels <= 6 ? kSize[static_cast<std::size_t>(channels)] : 0;
}

std::uint8_t bitalino_crc4(std::span<const std::uint8_t> f) noexcept {
  std::uint8_t crc = 0;
  if (f.empty()) return 0;
  for (std::size_t i = 0; i + 1 < f.size(); ++i) {
    crc = kCrc4[crc] ^ static_cast<std::uint8_t>(f[i] >> 4);
    crc = kCrc4[crc] ^ static_cast<std::uint8_t>(f[i] & 0x0F);
  }
  crc = kCrc4[crc] ^ static_cast<std::uint8_t>(f.back() >> 4);
  return kCrc4[crc];
}

std::optional<BitalinoFrame> decode_bitalino_frame(std::span<const std::uint8_t> f,
                                                   int channels) noexcept {
  const std::size_t n = bitalino_frame_size(channels);
  if (n == 0 || f.size() != n) return std::nullopt;
  if (bitalino_crc4(f) != (f[n - 1] & 0x0F)) return std::nullopt;
  auto b = [&](std::size_t k) -> unsigned { return k <= n ? f[n - k] : 0u; }; // b(1) = last byte
  BitalinoFrame fr;
  fr.seq = static_cast<std::uint8_t>(b(1) >> 4);
  fr.digital = static_cast<std::uint8_t>(b(2) >> 4);
  fr.analog[0] = static_cast<std::uint16_t>((b(2) & 0x0F) << 6 | b(3) >> 2);
  if (channels > 1) fr.analog[1] = static_cast<std::uint16_t>((b(3) & 0x03) << 8 | b(4));
  if (channels > 2) fr.analog[2] = static_cast<std::uint16_t>(b(5) << 2 | b(6) >> 6);
  if (channels > 3) fr.analog[3] = static_cast<std::uint16_t>((b(6) & 0x3F) << 4 | b(7) >> 4);
  if (channels > 4) fr.analog[4] = static_cast<std::uint16_t>((b(7) & 0x0F) << 2 | b(8) >> 6);
  if (channels > 5) fr.analog[5] = static_cast<std::uint16_t>(b(8) & 0x3F);
  return fr;
}

std::size_t encode_bitalino_frame(BitalinoFrame const& fr, int channels,
                                  std::span<std::uint8_t> out) noexcept {
  const std::size_t n = bitalino_frame_size(channels);
  if (n == 0 || out.size() < n) return 0;
  std::array<std::uint8_t, 9> f{}; // f[k] = b[-k]
  auto a = [&](int i) -> unsigned { return i < channels ? fr.analog[static_cast<std::size_t>(i)] : 0u; };
  f[1] = static_cast<std::uint8_t>((fr.seq & 0x0F) << 4);
  f[2] = static_cast<std::uint8_t>((fr.digital & 0x0F) << 4 | (a(0) >> 6 & 0x0F));
  f[3] = static_cast<std::uint8_t>((a(0) & 0x3F) << 2 | (a(1) >> 8 & 0x03));
  f[4] = static_cast<std::uint8_t>(a(1) & 0xFF);
  f[5] = static_cast<std::uint8_t>(a(2) >> 2 & 0xFF);
  f[6] = static_cast<std::uint8_t>((a(2) & 0x03) << 6 | (a(3) >> 4 & 0x3F));
  f[7] = static_cast<std::uint8_t>((a(3) & 0x0F) << 4 | (a(4) >> 2 & 0x0F));
  f[8] = static_cast<std::uint8_t>((a(4) & 0x03) << 6 | (a(5) & 0x3F));
  for (std::size_t k = 1; k <= n; ++k) out[n - k] = f[k];
  out[n - 1] = static_cast<std::uint8_t>(out[n - 1] | bitalino_crc4(out.first(n)));
  return n;
}

double pzt_percent(std::uint16_t adc, int bits) noexcept {
  return (static_cast<double>(adc) / static_cast<double>(1u << bits) - 0.5) * 100.0;
}

std::optional<BitalinoVersion> parse_bitalino_version(std::string_view reply) noexcept {
  const auto head = reply.find("BITalino");
  if (head == std::string_view::npos) return std::nullopt;
  const auto v = reply.find("_v", head);
  if (v == std::string_view::npos) return std::nullopt;
  const char* p = reply.data() + v + 2;
  const char* end = reply.data() + reply.size();
  BitalinoVersion out;
  auto r = std::from_chars(p, end, out.major);
  if (r.ec != std::errc{}) return std::nullopt;
  if (r.ptr < end && *r.ptr == '.') {
    auto r2 = std::from_chars(r.ptr + 1, end, out.minor);
    if (r2.ec != std::errc{}) out.minor = 0;
  }
  return out;
}

std::optional<std::uint8_t> bitalino_rate_command(int hz) noexcept {
  switch (hz) {
  case 1: return 0x03;
  case 10: return 0x43;
  case 100: return 0x83;
  case 1000: return 0xC3;
  default: return std::nullopt;
  }
}

BitalinoParser::BitalinoParser(int channels, int resp_index, double fs)
    : channels_(channels), resp_index_(resp_index), fs_(fs), size_(bitalino_frame_size(channels)) {
  if (size_ == 0) throw std::invalid_argument("BITalino: channels must be 1 to 6");
  if (resp_index < 0 || resp_index >= channels)
    throw std::invalid_argument("BITalino: belt channel is not among the acquired channels");
  if (!(fs > 0)) throw std::invalid_argument("BITalino: sample rate must be positive");
}

void BitalinoParser::reset() noexcept {
  count_ = 0;
  synced_ = false;
  misses_ = 0;
  pending_.reset();
  last_seq_.reset();
}

void BitalinoParser::feed(std::span<const std::uint8_t> bytes, double t_s,
                          SampleSink& sink) noexcept {
  stats_.bytes += bytes.size();
  for (const std::uint8_t b : bytes) {
    window_[count_++] = b;
    if (count_ == size_) try_frame(t_s, sink);
  }
}

void BitalinoParser::shift_one() noexcept {
  std::memmove(window_.data(), window_.data() + 1, size_ - 1);
  count_ = size_ - 1;
  ++stats_.skipped_bytes;
}

void BitalinoParser::try_frame(double t_s, SampleSink& sink) noexcept {
  const auto frame = decode_bitalino_frame({window_.data(), size_}, channels_);
  if (synced_) {
    if (frame) {
      misses_ = 0;
      emit(*frame, t_s, sink);
    } else {
      ++stats_.errors; // corrupted (its loss shows as a sequence gap) or misaligned
      if (++misses_ >= 2) synced_ = false;
    }
    count_ = 0;
    return;
  }
  if (!frame) {
    if (pending_) { // the candidate was a false lock
      stats_.skipped_bytes += size_;
      pending_.reset();
    }
    ++stats_.errors;
    shift_one();
    return;
  }
  if (pending_ && frame->seq == ((pending_->seq + 1) & 0x0F)) {
    synced_ = true;
    misses_ = 0;
    emit(*pending_, t_s, sink);
    emit(*frame, t_s, sink);
    pending_.reset();
  } else {
    if (pending_) stats_.skipped_bytes += size_;
    pending_ = frame;
  }
  count_ = 0;
}

void BitalinoParser::emit(BitalinoFrame const& f, double t_s, SampleSink& sink) noexcept {
  if (last_seq_) {
    const auto lost = static_cast<std::uint32_t>((f.seq - *last_seq_ - 1) & 0x0F);
    if (lost > 0) {
      stats_.lost += lost;
      frame_index_ += lost;
      sink.on_sample(SignalGap{t_s, last_arrival_s_, t_s, lost});
    }
  }
  last_seq_ = f.seq;
  last_arrival_s_ = t_s;
  ++stats_.frames;
  const double device_s = static_cast<double>(frame_index_++) / fs_;
  const auto idx = static_cast<std::size_t>(resp_index_);
  sink.on_sample(RespSample{t_s, device_s,
                            static_cast<float>(pzt_percent(f.analog[idx], bitalino_channel_bits(resp_index_)))});
}

} // namespace pneuma::drivers
