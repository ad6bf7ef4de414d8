// libFuzzer: PMD control-point responses and data frames (first byte picks the stream config).
// The input is decoded twice by one decoder made for it: the second frame exercises the
// timestamp continuity a live stream has, without state carried from one input to the next.
#include "fuzz_sink.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers;
  if (size == 0) return 0;
  PmdFrameDecoder decoder;
  const std::uint8_t knob = data[0];
  decoder.configure(PmdType::acc, PmdStreamConfig{200, static_cast<std::uint8_t>(knob & 0x1F), 3, 1.0f});
  decoder.configure(PmdType::ecg, PmdStreamConfig{130, static_cast<std::uint8_t>((knob >> 3) & 0x1F), 1, 1.0f});
  const std::span<const std::uint8_t> in{data + 1, size - 1};
  (void)decode_pmd_control(in);
  PmdSettings settings;
  (void)decode_pmd_settings(in, settings);
  pneuma::fuzz::CheckingSink sink;
  (void)decoder.decode(in, 1.0, sink);
  (void)decoder.decode(in, 1.1, sink);
  return 0;
}
