// libFuzzer: 0x2A37 and 0x2A19 decoders; a decoded value re-encodes to a value that decodes equal,
// field by field: rate, sensor contact flags, energy and every RR interval in 1/1024 s ticks.
#include <array>
#include <cstdlib>

#include "fuzz_sink.hpp"
#include "pneuma/drivers/parsers/heart_rate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers;
  const std::span<const std::uint8_t> in{data, size};
  (void)decode_battery_level(in);
  const auto m = decode_heart_rate(in);
  if (!m) return 0;
  if (m->rr_count > size / 2) std::abort();
  std::array<std::uint8_t, 600> buf{};
  const std::size_t n = encode_heart_rate(*m, buf);
  if (n == 0) std::abort();
  const auto again = decode_heart_rate({buf.data(), n});
  if (!again || again->bpm != m->bpm || again->rr_count != m->rr_count || again->energy_kj != m->energy_kj ||
      again->contact_supported != m->contact_supported ||
      (m->contact_supported && again->contact != m->contact) || again->malformed)
    std::abort();
  for (std::size_t i = 0; i < m->rr_count; ++i)
    if (again->rr_ticks[i] != m->rr_ticks[i]) std::abort();
  pneuma::fuzz::CheckingSink sink;
  emit_heart_rate(*m, 0.0, 0.0, sink);
  return 0;
}
