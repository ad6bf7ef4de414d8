#pragma once
// Exports of a recorded session:
// * kubios: Kubios HRV "RR text" - one RR interval per line in ms (0.1 ms), raw (Kubios applies
//   its own artifact correction), no header.
// * rr-csv: beat_time_s,rr_ms,artifact (artifact: the rule of
//   record_analysis.hpp) - readable back by `pneuma analyze --kind rr`.
// * csv: every signal on one time grid at the fastest signal's rate: time_s then one column per
//   signal named "Label [unit]"; slower signals are held (sample-and-hold, not interpolated); HR
//   before the first beat (its -1 bpm marker) is an empty field.
// * events: onset_s,duration_s,text for every annotation (beats included), sorted by onset.

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "pneuma/drivers/files/signal_file.hpp"

namespace pneuma::app {

/// Throws std::invalid_argument for an unknown format, std::runtime_error when the recording
/// lacks what the format needs (e.g. no beats for kubios).
void export_recording(drivers::files::Recording const& rec, std::string const& format, std::ostream& out);

/// Writes to `path` through a temporary file renamed into place (never a half-written export);
/// an existing `path` is refused unless `force`, and one of `inputs` always (output_file.hpp).
void export_recording_to(drivers::files::Recording const& rec, std::string const& format,
                         std::filesystem::path const& path, bool force = false,
                         std::vector<std::filesystem::path> const& inputs = {});

} // namespace pneuma::app
