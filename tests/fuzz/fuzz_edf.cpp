// libFuzzer: Pneuma's EDF/EDF+/BDF reader (EDFlib underneath) on arbitrary bytes, and the
// header layout check the repair uses.
#include <stdexcept>

#include "fuzz_file.hpp"
#include "pneuma/drivers/files/signal_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers::files;
  static const auto path = pneuma::fuzz::scratch_path(".edf");
  pneuma::fuzz::write_file(path, data, size);
  try {
    const Recording rec = read_edf(path);
    for (auto const& s : rec.signals)
      if (!(s.fs_hz >= 0)) std::abort();
  } catch (std::runtime_error const&) {
  }
  try {
    (void)read_signal(path, std::nullopt, std::nullopt);
  } catch (std::runtime_error const&) {
  } catch (std::invalid_argument const&) {
  }
  return 0;
}
