#pragma once
// RR-interval series from the files people have:
// * RR text: one interval a line, ms or s (Kubios "type 1" text, Elite HRV's export); lines
//   starting with '#' and a leading text header are skipped; a decimal comma ("0,899") is read.
// * CSV with an RR column: rr_ms, rr, ibi..., or the column named with `column`. Known exports:
//   HRV Logger (`date,rr,since start`, rr in ms) and Polar Sensor Logger
//   (`Phone timestamp;RR-interval [ms]`); a unit in brackets ("[ms]", "[s]") is honoured; a file
//   with a single numeric column is that column whatever its name.
// * an EDF+ file's beat annotations. A Pneuma recording marks where its beats become an optical
//   sensor's pulse intervals (kBeatsOpticalLabel) and where they are R-R intervals again
//   (kBeatsRrLabel); the series is `optical` when most of its beats follow the first.
// Seconds are told from ms by the unit when the file gives one, otherwise by magnitude (a series
// whose median is below 10 is in seconds: no resting heart beats faster than 6000/min).

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pneuma/drivers/files/signal_file.hpp"

namespace pneuma::drivers::files {

/// The annotations a recording writes where its beats' sensor changes: an optical sensor's pulse
/// intervals (Polar PPI: Verity Sense, OH1) follow the R wave by the pulse transit time and are
/// smoothed by the sensor's own algorithm, so a reader must tell them from an ECG strap's R-R.
inline constexpr char const* kBeatsOpticalLabel = "Beats: optical pulse (PPI)";
inline constexpr char const* kBeatsRrLabel = "Beats: R-R intervals";

struct RrSeries {
  std::vector<double> rr_ms;
  std::vector<double> beat_time_s; ///< when the file gives beat times; otherwise empty
  std::string source;              ///< which column or format it came from
  bool optical = false;            ///< most beats are optical pulse intervals (kBeatsOpticalLabel)
};

/// Whether most of `beat_times_s` lie where `rec`'s labels say the beats are optical: the latest
/// kBeatsOpticalLabel or kBeatsRrLabel at or before each beat (by onset, whatever the annotations'
/// order); before any label, R-R. The recorder stamps a label at the first such beat's arrival,
/// which may follow the beat's own time by the strap's offset: a beat or two, not a majority.
bool beats_mostly_optical(Recording const& rec, std::span<const double> beat_times_s);

/// Throws std::runtime_error / std::invalid_argument with a one-line message on bad content; when
/// no RR column is found the message names the formats expected.
RrSeries read_rr(std::filesystem::path const& path, std::optional<std::string> const& column = {});

} // namespace pneuma::drivers::files
