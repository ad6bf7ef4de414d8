#pragma once
// Access to ../shared (real recordings, peer references). Absent on a user's fresh clone: a test
// that needs it asks for its paths before its first check; a missing one skips the test
// (support/skip.hpp: ctest reports it as skipped) and the test returns.

#include <filesystem>
#include <optional>
#include <string>

#include "support/skip.hpp"

namespace pneuma::test {

/// Path below ../shared, or nullopt (after skipping the test) when it is not there.
inline std::optional<std::filesystem::path> shared_path(std::string const& relative) {
  const std::filesystem::path p = std::filesystem::path(PNEUMA_SHARED_DIR) / relative;
  if (std::filesystem::exists(p)) return p;
  skip(p.string() + " not found (the shared recordings are not beside this clone)");
  return std::nullopt;
}

} // namespace pneuma::test
