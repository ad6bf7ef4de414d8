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

/// What a signal's name says it holds: "ecg", "resp", "rr", "other" (a signal no kind analyses:
/// HR, pacer, accelerometer, SpO2, EEG...) or "" (the name does not say).
std::string kind_of_name(std::string const& name);

/// The signal to analyse as `kind` when no --column was given: the first one named for it. When
/// none is, and every signal is named for something else, the request is refused
/// (std::invalid_argument, one line naming the signals the file has): the numbers of one kind
/// computed from another signal (R peaks on a breathing belt) would be made up. nullopt: the
/// file's own default (its first signal; names that say nothing are taken at the user's word).
std::optional<std::string> column_for_kind(std::filesystem::path const& path, std::string const& kind);

/// Share of a signal's power above 0.5 Hz that lies in the QRS band, 5-30 Hz (Welch, 4-s Hann
/// segments; NaN when fs < 20 Hz or under 4 s of data). QRS complexes last ~0.1 s, so an ECG puts
/// a large share of its power there (0.3-0.7 on clean leads); breathing lives below 1 Hz, so a
/// belt holds almost none (< 0.02: noise and the cardiac ripple). The one test that tells the two
/// apart whatever the file calls them.
double qrs_band_share(std::vector<double> const& values, double fs_hz);

} // namespace pneuma::cli
