#pragma once
// Offline analysis kinds for `pneuma analyze`: each analyze_<area>.cpp registers the kinds it
// knows ("resp", "ecg", "rr") with a static AnalysisRegistration. The command fills "input" and
// dispatches; a kind reads the file (drivers/files) and fills its keys of design.md §5 plus
// "duration_s". A kind throws std::invalid_argument for a usage problem (exit 2) and
// std::runtime_error for a bad file (exit 1), each with a one-line message.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pneuma::cli {

struct AnalyzeRequest {
  std::filesystem::path path;
  std::string kind;                  ///< resolved kind (never "auto")
  std::optional<double> fs_hz;       ///< --fs
  std::optional<std::string> column; ///< --column
};

using AnalyzeFn = void (*)(AnalyzeRequest const& request, nlohmann::ordered_json& out);

struct AnalysisKind {
  std::string_view kind;
  std::string_view summary;
  AnalyzeFn run;
};

std::vector<AnalysisKind>& analysis_kinds();

struct AnalysisRegistration {
  explicit AnalysisRegistration(AnalysisKind k) { analysis_kinds().push_back(k); }
};

/// "auto": the kind a file most likely holds, from its format and column/signal names.
std::string guess_kind(std::filesystem::path const& path, std::optional<std::string> const& column);

} // namespace pneuma::cli
