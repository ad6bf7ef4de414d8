// libFuzzer: the SESSION argument of report/export/rate (an id, "last" or a path).
#include <stdexcept>
#include <string>

#include "cli/session_ref.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using pneuma::cli::SessionArg;
  const std::string arg(reinterpret_cast<char const*>(data), size);
  try {
    const SessionArg a = pneuma::cli::parse_session_arg(arg);
    if (a.kind == SessionArg::Kind::id && a.id <= 0) std::abort();
    if (a.kind == SessionArg::Kind::path && a.path.string() != arg) std::abort();
  } catch (std::invalid_argument const&) {
  }
  return 0;
}
