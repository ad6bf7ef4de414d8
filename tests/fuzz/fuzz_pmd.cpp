// libFuzzer: PMD control-point responses and data frames (first byte picks the stream config).
#include "fuzz_sink.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers;
  if (size == 0) return 0;
  static PmdFrameDecoder decoder; // keeps timestamps across inputs, as a live stream does
  const std::uint8_t knob = data[0];
  decoder.configure(PmdType::acc, PmdStreamConfig{200, static_cast<std::uint8_t>(knob & 0x1F), 3, 1.0f});
  decoder.configure(PmdType::ecg, PmdStreamConfig{130, static_cast<std::uint8_t>((knob >> 3) & 0x1F), 1, 1.0f});
  const std::span<const std::uint8_t> in{data + 1, size - 1};
  (void)decode_pmd_control(in);
  PmdSettings settings;
  (void)decode_pmd_settings(in, settings);
  pneuma::fuzz::CheckingSink sink;
  (void)decoder.decode(in, 1.0, sink);
  return 0;
}
