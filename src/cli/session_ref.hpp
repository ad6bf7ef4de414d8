#pragma once
// SESSION arguments of export/report: a session id from the store, "last", or a recording's path
// (its store row is found when the store lists it).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/store.hpp"

namespace pneuma::cli {

struct SessionRef {
  std::optional<app::SessionRow> row;
  std::filesystem::path recording;      ///< empty when the session has no recording
  std::shared_ptr<app::Store> store;    ///< null when no store could be opened for a path
};

/// Throws std::invalid_argument (unknown id, missing file: usage) or app::StoreError.
SessionRef resolve_session(std::string const& arg, std::string const& profile);

} // namespace pneuma::cli
