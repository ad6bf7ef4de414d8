#pragma once
// Helpers for the parser tests: hex vectors and a sink that keeps everything.

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "pneuma/drivers/device.hpp"

namespace pneuma::test {

inline std::vector<std::uint8_t> hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (hi < 0) hi = v;
    else { out.push_back(static_cast<std::uint8_t>(hi << 4 | v)); hi = -1; }
  }
  return out;
}

inline std::vector<std::uint8_t> bytes(std::string_view text) {
  return {text.begin(), text.end()};
}

struct CollectingSink final : drivers::SampleSink {
  std::vector<drivers::DeviceSample> all;
  void on_sample(drivers::DeviceSample const& s) noexcept override { all.push_back(s); }
  template <class T> std::vector<T> of() const {
    std::vector<T> out;
    for (auto const& s : all)
      if (auto const* v = std::get_if<T>(&s)) out.push_back(*v);
    return out;
  }
};

} // namespace pneuma::test
