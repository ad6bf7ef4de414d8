// libFuzzer: device-clock -> session-clock mapping fed arbitrary (device, host) time pairs.
// The mapped time must be finite and never later than the arrival it came with.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "pneuma/drivers/parsers/clock_map.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pneuma::drivers::DeviceClockMap map(2.0);
  double dev = 0, host = 0;
  for (std::size_t at = 0; at + 4 <= size; at += 4) {
    std::int16_t d = 0, h = 0;
    std::memcpy(&d, data + at, 2);
    std::memcpy(&h, data + at + 2, 2);
    dev += d * 1e-3; // steps of -32..32 s, mostly small: jitter, bursts, resets
    host += std::abs(h) * 1e-4;
    const double t = map.map(dev, host);
    if (!std::isfinite(t) || t > host + 1e-9) std::abort();
    if (!std::isfinite(map.peek(dev))) std::abort();
  }
  return 0;
}
