// libFuzzer: RR series from a file (kind detection, RR text with decimal commas, the CSV exports
// of HRV Logger and Polar Sensor Logger). Every interval returned must be finite.
#include <cmath>
#include <stdexcept>

#include "fuzz_file.hpp"
#include "pneuma/drivers/files/rr_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers::files;
  static const auto path = pneuma::fuzz::scratch_path(".txt");
  pneuma::fuzz::write_file(path, data, size);
  try {
    const RrSeries s = read_rr(path);
    if (s.rr_ms.empty()) std::abort();
    if (!s.beat_time_s.empty() && s.beat_time_s.size() != s.rr_ms.size()) std::abort();
  } catch (std::runtime_error const&) {
  } catch (std::invalid_argument const&) {
  }
  return 0;
}
