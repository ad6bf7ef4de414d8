// libFuzzer: the CSV table reader and the CSV signal reader (strict and with text columns).
#include <stdexcept>

#include "fuzz_file.hpp"
#include "pneuma/drivers/files/csv_table.hpp"
#include "pneuma/drivers/files/signal_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma::drivers::files;
  static const auto path = pneuma::fuzz::scratch_path(".csv");
  pneuma::fuzz::write_file(path, data, size);
  try {
    const CsvTable t = read_csv(path);
    for (auto const& c : t.columns)
      if (c.size() != t.rows()) std::abort(); // a ragged table must have been refused
  } catch (std::runtime_error const&) {
  }
  try {
    (void)read_signal(path, std::nullopt, 100.0);
  } catch (std::runtime_error const&) {
  } catch (std::invalid_argument const&) {
  }
  return 0;
}
