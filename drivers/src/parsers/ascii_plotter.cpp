#include "pneuma/drivers/parsers/ascii_plotter.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace pneuma::drivers {
namespace {
bool is_separator(char c) noexcept { return c == ' ' || c == '\t' || c == ','; }
} // namespace

AsciiPlotterParser::AsciiPlotterParser(std::size_t column, std::string_view label)
    : column_(column) {
  if (label.size() >= kMaxLabel)
    throw std::invalid_argument("ascii: label longer than 31 characters");
  if (!label.empty()) std::memcpy(label_.data(), label.data(), label.size());
  label_len_ = label.size();
}

void AsciiPlotterParser::feed(std::span<const std::uint8_t> bytes, double t_s,
                              SampleSink& sink) noexcept {
  stats_.bytes += bytes.size();
  for (const std::uint8_t b : bytes) {
    const char c = static_cast<char>(b);
    if (c == '\n') {
      if (overflow_) ++stats_.errors;
      else if (len_ > 0) line({buf_.data(), len_}, t_s, sink);
      len_ = 0;
      overflow_ = false;
      continue;
    }
    if (c == '\r') continue; // "\r\n" and stray CRs alike
    if (len_ == buf_.size()) {
      if (!overflow_) stats_.skipped_bytes += len_;
      overflow_ = true;
      ++stats_.skipped_bytes;
      continue;
    }
    buf_[len_++] = c;
  }
}

void AsciiPlotterParser::line(std::string_view text, double t_s, SampleSink& sink) noexcept {
  const std::string_view wanted{label_.data(), label_len_};
  std::size_t index = 0;
  bool any_field = false;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && is_separator(text[at])) ++at;
    if (at == text.size()) break;
    std::size_t end = at;
    while (end < text.size() && !is_separator(text[end])) ++end;
    std::string_view field = text.substr(at, end - at);
    at = end;
    any_field = true;
    std::string_view name;
    if (const auto colon = field.find(':'); colon != std::string_view::npos) {
      name = field.substr(0, colon);
      field = field.substr(colon + 1);
    }
    const bool selected = wanted.empty() ? index == column_ : name == wanted;
    ++index;
    if (!selected) continue;
    double v = 0;
    const auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc{} || p != field.data() + field.size() || !(std::abs(v) <= 1e9)) break;
    ++stats_.frames;
    sink.on_sample(RespSample{t_s, kNoDeviceTime, static_cast<float>(v)});
    return;
  }
  if (any_field) ++stats_.errors; // boot noise, a label line, a number cut in half
}

} // namespace pneuma::drivers
