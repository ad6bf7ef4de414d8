#include "pneuma/drivers/source_spec.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

namespace pneuma::drivers {
namespace {

const std::set<std::string, std::less<>> kKinds = {"sim", "serial", "tcp", "udp", "ble", "replay"};

void parse_pairs(std::string_view text, char separator, SourceSpec& spec, std::string_view source) {
  while (!text.empty()) {
    const auto end = text.find(separator);
    const std::string_view pair = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0)
      throw std::invalid_argument("source '" + std::string(source) + "': option '" +
                                  std::string(pair) + "' is not of the form key=value");
    spec.options[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
  }
}

} // namespace

SourceSpec SourceSpec::parse(std::string_view text) {
  SourceSpec spec;
  const auto colon = text.find(':');
  const auto query = text.find('?');
  const auto kind_end = std::min(colon, query);
  spec.kind = std::string(text.substr(0, kind_end));
  if (!kKinds.contains(spec.kind))
    throw std::invalid_argument("source '" + std::string(text) +
                                "': unknown kind (expected sim, serial, tcp, udp, ble or replay)");
  std::string_view rest = kind_end == std::string_view::npos ? std::string_view{}
                                                             : text.substr(kind_end + 1);
  if (kind_end == query) { // "sim?seed=1"
    parse_pairs(rest, '&', spec, text);
    return spec;
  }
  if (spec.kind == "sim") { // "sim:seed=7,rf=5.5"
    parse_pairs(rest, ',', spec, text);
    return spec;
  }
  const auto q = rest.find('?');
  spec.target = std::string(rest.substr(0, q));
  if (q != std::string_view::npos) parse_pairs(rest.substr(q + 1), '&', spec, text);
  if (spec.target.empty())
    throw std::invalid_argument("source '" + std::string(text) + "': missing " +
                                (spec.kind == "replay" ? "file" : "address or path"));
  return spec;
}

std::optional<std::string> SourceSpec::option(std::string const& key) const {
  if (auto it = options.find(key); it != options.end()) return it->second;
  return std::nullopt;
}

double SourceSpec::number(std::string const& key, double fallback, double lo, double hi) const {
  const auto text = option(key);
  if (!text) return fallback;
  double value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc{} || ptr != end || !std::isfinite(value) || value < lo || value > hi) {
    char range[96];
    std::snprintf(range, sizeof range, "a number from %g to %g", lo, hi);
    throw std::invalid_argument(kind + " option " + key + "='" + *text + "': expected " + range);
  }
  return value;
}

} // namespace pneuma::drivers
