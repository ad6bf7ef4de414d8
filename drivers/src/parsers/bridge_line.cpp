#include "pneuma/drivers/parsers/bridge_line.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "pneuma/drivers/parsers/heart_rate.hpp"

namespace pneuma::drivers {
namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Hex text -> bytes; nullopt on an odd length, a bad digit or overflow.
std::optional<std::size_t> from_hex(std::string_view hex, std::span<std::uint8_t> out) noexcept {
  if (hex.size() % 2 != 0 || hex.size() / 2 > out.size()) return std::nullopt;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i / 2] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return hex.size() / 2;
}

template <class T> bool parse_uint(std::string_view s, T& v) noexcept {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size();
}

/// prefix + text with anything but printable ASCII replaced by '?': device text never carries
/// terminal escape sequences into a log or a console.
std::size_t printable_copy(std::string_view prefix, std::string_view text, std::span<char> out) noexcept {
  std::size_t n = 0;
  for (char c : prefix)
    if (n + 1 < out.size()) out[n++] = c;
  for (char c : text)
    if (n + 1 < out.size()) out[n++] = (c >= 0x20 && c < 0x7F) ? c : '?';
  return n;
}

std::string_view next_field(std::string_view& rest) noexcept {
  const auto comma = rest.find(',');
  const std::string_view f = rest.substr(0, comma);
  rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  return f;
}

} // namespace

std::uint8_t nmea_checksum(std::string_view body) noexcept {
  std::uint8_t cs = 0;
  for (char c : body) cs ^= static_cast<std::uint8_t>(c);
  return cs;
}

std::size_t to_hex(std::span<const std::uint8_t> bytes, std::span<char> out) noexcept {
  static constexpr char kDigits[] = "0123456789abcdef";
  if (out.size() < 2 * bytes.size()) return 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
  return 2 * bytes.size();
}

std::size_t format_bridge_line(std::string_view tag, std::uint32_t seq, std::uint32_t t_us,
                               std::string_view payload, std::span<char> out) noexcept {
  std::array<char, 32> head{};
  const int h = std::snprintf(head.data(), head.size(), ",%u,%u,", seq, t_us);
  if (h <= 0) return 0;
  const std::size_t body = tag.size() + static_cast<std::size_t>(h) + payload.size();
  const std::size_t total = 1 + body + 3 + 2;
  if (total > out.size() || total > BridgeLineParser::kMaxLine) return 0;
  std::size_t n = 0;
  out[n++] = '$';
  std::memcpy(out.data() + n, tag.data(), tag.size());
  n += tag.size();
  std::memcpy(out.data() + n, head.data(), static_cast<std::size_t>(h));
  n += static_cast<std::size_t>(h);
  if (!payload.empty()) std::memcpy(out.data() + n, payload.data(), payload.size());
  n += payload.size();
  const std::uint8_t cs = nmea_checksum({out.data() + 1, body});
  static constexpr char kUpper[] = "0123456789ABCDEF";
  out[n++] = '*';
  out[n++] = kUpper[cs >> 4];
  out[n++] = kUpper[cs & 0xF];
  out[n++] = '\r';
  out[n++] = '\n';
  return n;
}

void BridgeLineParser::reset() noexcept {
  len_ = 0;
  in_line_ = false;
  overflow_ = false;
  last_seq_.reset();
  t_us_high_ = 0;
  rsp_ = {};
  hrm_ = {};
  pmd_.reset();
}

void BridgeLineParser::cadence(Cadence& c, SignalGap::Stream stream, double device_s, double t_s,
                               SampleSink& sink) noexcept {
  if (c.last_device_s >= 0) {
    const double dt = device_s - c.last_device_s;
    if (!c.lost_since && dt > 0 && (c.period_s == 0 || dt < c.period_s)) c.period_s = dt;
    if (c.lost_since && dt > 0 && (c.period_s == 0 || dt > 1.5 * c.period_s)) {
      const double lines = c.period_s > 0 ? std::round(dt / c.period_s) - 1 : 1;
      const auto lost = static_cast<std::uint32_t>(std::clamp(lines, 1.0, 4.0e9));
      // SignalGap's convention: from the first missing instant (one period after the last line
      // here) to where data resumes (this line).
      const double step = c.period_s > 0 ? c.period_s : dt / 2;
      // Lines that arrive in a burst (a bridge flushing its buffer) are closer in arrival time
      // than one period: the hole cannot start after the data that ends it arrived.
      SignalGap g{t_s, std::min(c.last_arrival_s + step, t_s), t_s, lost, stream};
      g.device_from_s = c.last_device_s + step;
      g.device_to_s = device_s;
      sink.on_sample(g);
    }
  }
  c.last_device_s = device_s;
  c.last_arrival_s = t_s;
  c.lost_since = false;
}

void BridgeLineParser::feed(std::span<const std::uint8_t> bytes, double t_s,
                            SampleSink& sink) noexcept {
  stats_.bytes += bytes.size();
  for (const std::uint8_t b : bytes) {
    const char c = static_cast<char>(b);
    if (c == '$') { // a new line starts: whatever was pending is incomplete garbage
      if (in_line_ && len_ > 0) { ++stats_.errors; stats_.skipped_bytes += len_; }
      in_line_ = true;
      overflow_ = false;
      len_ = 0;
      continue;
    }
    if (!in_line_) {
      if (c != '\r' && c != '\n') ++stats_.skipped_bytes;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (overflow_) {
        ++stats_.errors;
      } else {
        line({buf_.data(), len_}, t_s, sink);
      }
      in_line_ = false;
      len_ = 0;
      continue;
    }
    if (len_ == buf_.size()) {
      if (!overflow_) stats_.skipped_bytes += len_;
      overflow_ = true;
      ++stats_.skipped_bytes;
      continue;
    }
    buf_[len_++] = c;
  }
}

void BridgeLineParser::end_of_datagram(double t_s, SampleSink& sink) noexcept {
  if (in_line_ && !overflow_ && len_ > 0) line({buf_.data(), len_}, t_s, sink); // no CR/LF sent
  else if (in_line_) ++stats_.errors;
  in_line_ = false;
  len_ = 0;
}

void BridgeLineParser::line(std::string_view text, double t_s, SampleSink& sink) noexcept {
  // text = TAG,seq,t_us,payload*CS
  const auto star = text.rfind('*');
  if (star == std::string_view::npos || star + 3 != text.size()) {
    ++stats_.errors;
    return;
  }
  const int hi = hex_digit(text[star + 1]), lo = hex_digit(text[star + 2]);
  if (hi < 0 || lo < 0) {
    ++stats_.errors;
    return;
  }
  const auto cs = static_cast<std::uint8_t>(hi << 4 | lo);
  const std::string_view body = text.substr(0, star);
  if (nmea_checksum(body) != cs) {
    ++stats_.errors;
    return;
  }
  std::string_view rest = body;
  const std::string_view tag = next_field(rest);
  std::uint32_t seq = 0, t_us = 0;
  if (!parse_uint(next_field(rest), seq) || !parse_uint(next_field(rest), t_us)) {
    ++stats_.errors;
    return;
  }
  if (tag == "CMD") return; // our own command echoed back: not data
  // Sequence: a gap is lost lines; a step back is a bridge restart.
  if (last_seq_) {
    const std::uint32_t expected = *last_seq_ + 1;
    if (seq != expected) {
      const std::uint32_t lost = seq - expected;
      if (lost < (1u << 20)) {
        stats_.lost += lost;
        rsp_.lost_since = hrm_.lost_since = true; // charged to a stream by its next line
      } else {
        t_us_high_ = 0; // restarted: its clock restarted too
        last_t_us_ = t_us;
        pmd_.reset();
        rsp_ = {};
        hrm_ = {};
        sink.on_sample(SignalGap{t_s, last_arrival_s_, t_s, 0});
      }
    }
    if (t_us < last_t_us_ && last_t_us_ - t_us > 0x80000000u) t_us_high_ += 1ULL << 32; // wrap
  }
  last_seq_ = seq;
  last_t_us_ = t_us;
  last_arrival_s_ = t_s;
  ++stats_.frames;
  const double device_s = static_cast<double>(t_us_high_ + t_us) * 1e-6;
  payload(tag, rest, device_s, t_s, sink);
}

void BridgeLineParser::payload(std::string_view tag, std::string_view body, double device_s,
                               double t_s, SampleSink& sink) noexcept {
  if (tag == "RSP") {
    std::string_view field;
    for (std::size_t index = 0; index <= resp_channel_; ++index) {
      if (body.empty()) {
        ++stats_.errors; // no such channel
        return;
      }
      field = next_field(body);
    }
    std::int32_t v = 0;
    const auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc{} || p != field.data() + field.size()) {
      ++stats_.errors;
      return;
    }
    cadence(rsp_, SignalGap::Stream::resp, device_s, t_s, sink);
    sink.on_sample(RespSample{t_s, device_s, static_cast<float>(v)});
    return;
  }
  if (tag == "STA") {
    std::string_view rest = body;
    const std::string_view what = next_field(rest);
    using S = DeviceStatus::State;
    const S state = what == "CONNECTED" ? S::streaming
                    : what == "SCANNING" ? S::connecting
                    : what == "DISCONNECTED" ? S::lost
                                             : S::connecting;
    std::array<char, 100> text{};
    const std::size_t n = printable_copy("bridge: ", body, text);
    sink.on_sample(DeviceStatus::make(t_s, state, {text.data(), n}));
    return;
  }
  if (tag == "ERR") {
    std::array<char, 100> text{};
    const std::size_t n = printable_copy("bridge error: ", body, text);
    sink.on_sample(DeviceStatus::make(t_s, DeviceStatus::State::error, {text.data(), n}));
    return;
  }
  if (tag == "ACK") return;
  const auto n = from_hex(body, bin_);
  if (!n) {
    ++stats_.errors;
    return;
  }
  const std::span<const std::uint8_t> value{bin_.data(), *n};
  if (tag == "HRM") {
    const auto m = decode_heart_rate(value);
    if (!m) {
      ++stats_.errors;
      return;
    }
    if (m->malformed) ++stats_.errors;
    cadence(hrm_, SignalGap::Stream::rr, device_s, t_s, sink);
    emit_heart_rate(*m, t_s, device_s, sink);
  } else if (tag == "BAT") {
    if (const auto b = decode_battery_level(value)) sink.on_sample(BatteryLevel{t_s, *b});
    else ++stats_.errors;
  } else if (tag == "PMD") {
    if (pmd_.decode(value, t_s, sink) == 0) ++stats_.errors;
  } else if (tag == "PMC") {
    last_pmc_ = decode_pmd_control(value);
    if (!last_pmc_) ++stats_.errors;
  } else {
    ++stats_.errors; // unknown tag
  }
}

} // namespace pneuma::drivers
