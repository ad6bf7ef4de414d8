// libFuzzer: BITalino stream parser for every channel count, plus the version-reply parser.
#include <string_view>

#include "fuzz_sink.hpp"
#include "pneuma/drivers/parsers/bitalino.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers;
  if (size == 0) return 0;
  const int channels = 1 + data[0] % 6;
  BitalinoParser parser(channels, channels - 1, 100);
  pneuma::fuzz::CheckingSink sink;
  parser.feed({data + 1, size - 1}, 0.0, sink);
  if (parser.stats().frames > size) std::abort();
  (void)parse_bitalino_version({reinterpret_cast<const char*>(data), size});
  return 0;
}
