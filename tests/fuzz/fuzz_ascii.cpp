// libFuzzer: Arduino Serial-Plotter line parser, by column and by label.
#include "fuzz_sink.hpp"
#include "pneuma/drivers/parsers/ascii_plotter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers;
  AsciiPlotterParser by_column(1); // one per input: a saved crash reproduces on its own
  AsciiPlotterParser by_label(0, "belt");
  pneuma::fuzz::CheckingSink sink;
  by_column.feed({data, size}, 0.0, sink);
  by_label.feed({data, size}, 0.0, sink);
  return 0;
}
