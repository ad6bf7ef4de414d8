#pragma once
// Signals from files: CSV (a column, with --fs or a time column) and EDF/EDF+/BDF+ (through EDFlib).
// Used by `pneuma analyze` and by replay. Errors are std::runtime_error (file problems) or
// std::invalid_argument (a column or rate the user named that does not fit), with one-line texts.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pneuma::drivers::files {

struct SignalData {
  std::string label;           ///< column name or EDF label (trimmed)
  std::string unit;            ///< physical dimension, when the file says
  double fs_hz = 0;            ///< sampling rate
  std::vector<double> values;  ///< physical values; NaN where the file had none
};

struct Annotation {
  double onset_s = 0;
  double duration_s = -1; ///< -1: none given
  std::string text;
};

struct Recording {
  std::vector<SignalData> signals;
  std::vector<Annotation> annotations;
  double duration_s = 0;
};

enum class FileKind { csv, edf, rr_text };
/// By content: EDF/BDF header magic, a numeric first line (RR text), otherwise CSV.
FileKind detect_file_kind(std::filesystem::path const& path);

/// Every signal and annotation of an EDF, EDF+, BDF or BDF+ file.
Recording read_edf(std::filesystem::path const& path);

/// One signal. CSV: `column` by name (default: the first column that is not time), `fs_hz` given
/// or derived from a time column named time/time_s/t/t_s/timestamp (median step). EDF: `column` is
/// the signal label (default: the first signal). A given fs_hz must agree with an EDF's own rate.
SignalData read_signal(std::filesystem::path const& path, std::optional<std::string> const& column,
                       std::optional<double> fs_hz);

/// Names of the signals (CSV columns other than time, or EDF labels).
std::vector<std::string> signal_names(std::filesystem::path const& path);

} // namespace pneuma::drivers::files
