// libFuzzer: the bridge line parser fed in chunks (first byte = chunk size), then as a datagram.
#include <algorithm>

#include "fuzz_sink.hpp"
#include "pneuma/drivers/parsers/bridge_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers;
  if (size == 0) return 0;
  BridgeLineParser parser(1); // one per input: a saved crash reproduces on its own
  pneuma::fuzz::CheckingSink sink;
  const std::size_t chunk = 1 + data[0] % 64;
  for (std::size_t at = 1; at < size; at += chunk)
    parser.feed({data + at, std::min(chunk, size - at)}, 0.5, sink);
  BridgeLineParser datagram;
  datagram.feed({data + 1, size - 1}, 0.5, sink);
  datagram.end_of_datagram(0.5, sink);
  return 0;
}
