#pragma once
// RR-interval series from the files people have:
// * RR text: one interval a line, ms or s (Kubios "type 1" text, Elite HRV's export); lines
//   starting with '#' and a leading text header are skipped; a decimal comma ("0,899") is read.
// * CSV with an RR column: rr_ms, rr, ibi..., or the column named with `column`. Known exports:
//   HRV Logger (`date,rr,since start`, rr in ms) and Polar Sensor Logger
//   (`Phone timestamp;RR-interval [ms]`); a unit in brackets ("[ms]", "[s]") is honoured; a file
//   with a single numeric column is that column whatever its name.
// * an EDF+ file's beat annotations.
// Seconds are told from ms by the unit when the file gives one, otherwise by magnitude (a series
// whose median is below 10 is in seconds: no resting heart beats faster than 6000/min).

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

/// Throws std::runtime_error / std::invalid_argument with a one-line message on bad content; when
/// no RR column is found the message names the formats expected.
RrSeries read_rr(std::filesystem::path const& path, std::optional<std::string> const& column = {});

} // namespace pneuma::drivers::files
