#pragma once
// Access to ../shared (real recordings, peer references). Absent on a user's fresh clone: tests
// that need it print "SKIPPED: ..." (ctest reports them as skipped) and return.

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace pneuma::test {

/// Path below ../shared, or nullopt (after printing the skip line) when it is not there.
inline std::optional<std::filesystem::path> shared_path(std::string const& relative) {
  const std::filesystem::path p = std::filesystem::path(PNEUMA_SHARED_DIR) / relative;
  if (std::filesystem::exists(p)) return p;
  std::cout << "SKIPPED: " << p.string() << " not found (the shared recordings are not beside this clone)\n";
  return std::nullopt;
}

} // namespace pneuma::test
