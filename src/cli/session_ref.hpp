#pragma once
// SESSION arguments of export/report/rate: a session id from the store, "last", or a recording's
// path (its store row is found when the store lists it).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/store.hpp"

namespace pneuma::cli {

/// What a SESSION argument names, before anything is opened.
struct SessionArg {
  enum class Kind { id, last, path } kind = Kind::last;
  std::int64_t id = 0;
  std::filesystem::path path;
};

/// Pure: all digits is an id (std::invalid_argument when it is 0 or beyond any id SQLite gives,
/// 2^63-1), "last" is the latest session, anything else a path. Never reads a file.
SessionArg parse_session_arg(std::string const& arg);

struct SessionRef {
  std::optional<app::SessionRow> row;
  std::filesystem::path recording;      ///< empty when the session has no recording
  std::shared_ptr<app::Store> store;    ///< null when no store could be opened for a path
};

/// Throws std::invalid_argument (unknown id, missing file: usage) or app::StoreError.
SessionRef resolve_session(std::string const& arg, std::string const& profile);

} // namespace pneuma::cli
