#pragma once
// RR-interval series from files: Kubios "type 1" text (one interval per line, ms or s; lines
// starting with '#' and a leading text header are skipped), a CSV column (rr_ms, rr_s, rr, ibi...,
// or named), or an EDF+ file's beat annotations. Seconds are told from ms by magnitude (a series
// whose median is below 10 is in seconds).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pneuma::drivers::files {

struct RrSeries {
  std::vector<double> rr_ms;
  std::vector<double> beat_time_s; ///< when the file gives beat times; otherwise empty
  std::string source;              ///< which column or format it came from
};

/// Throws std::runtime_error / std::invalid_argument with a one-line message on bad content.
RrSeries read_rr(std::filesystem::path const& path, std::optional<std::string> const& column = {});

} // namespace pneuma::drivers::files
