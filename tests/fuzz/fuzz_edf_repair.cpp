// libFuzzer: the repair of an interrupted recording on arbitrary bytes. The input is an EDF file,
// optionally followed by "\n#journal\n" and a crash journal. The repair must either refuse with
// an exception (leaving the file as it was) or leave a file Pneuma's reader opens, and it must
// never touch a file that is not an EDF file.
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "fuzz_file.hpp"
#include "pneuma/drivers/files/signal_file.hpp"
#include "record/record_journal.hpp"
#include "record/record_repair.hpp"

namespace {

std::string slurp(std::filesystem::path const& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pneuma;
  static const auto path = fuzz::scratch_path(".edf");
  static const auto journal = app::journal_path(path);
  const std::string input(reinterpret_cast<char const*>(data), size);
  const std::string marker = "\n#journal\n";
  const auto split = input.find(marker);
  const std::string edf = input.substr(0, split);
  std::error_code ec;
  std::filesystem::remove(journal, ec);
  fuzz::write_file(path, reinterpret_cast<std::uint8_t const*>(edf.data()), edf.size());
  if (split != std::string::npos) {
    const std::string j = input.substr(split + marker.size());
    fuzz::write_file(journal, reinterpret_cast<std::uint8_t const*>(j.data()), j.size());
  }
  try {
    (void)app::recording_state(path);
  } catch (std::runtime_error const&) {
  }
  bool repaired = false;
  try {
    repaired = app::repair_recording(path).repaired;
  } catch (std::runtime_error const&) {
    if (std::filesystem::exists(path) && slurp(path) != edf) std::abort(); // refused, yet changed
  }
  if (repaired) {
    try {
      (void)drivers::files::read_edf(path);
    } catch (std::runtime_error const&) {
      // A header EDFlib refuses for other reasons (labels, ranges) stays unreadable; the repair
      // only fixes the record count and the annotations.
    }
  }
  return 0;
}
