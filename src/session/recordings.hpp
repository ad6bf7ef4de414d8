#pragma once
// Recordings on disk, outside any running session: loading one for analysis (repairing it first
// when it is Pneuma's own recording cut short by a crash), its summary numbers, and the start-up
// recovery of sessions a crash left behind. The decision to repair lives here, above the writer
// and the repair (record/), which only know files.

#include <filesystem>
#include <string>
#include <vector>

#include "pneuma/drivers/files/signal_file.hpp"
#include "pneuma/drivers/source_spec.hpp"
#include "store/store.hpp"

namespace pneuma::app {

/// Summary numbers of a recording (whole session; first and last 2 minutes).
SessionMetrics summarize_recording(drivers::files::Recording const& rec);

/// Loads a recording for analysis. Never changes the file, except Pneuma's own recording a crash
/// left behind (known by its journal): that one is repaired first, the original kept beside it,
/// and `messages` says so. A file whose size does not match its header throws, naming
/// `pneuma repair`.
drivers::files::Recording load_recording(std::filesystem::path const& path,
                                         std::vector<std::string>* messages = nullptr);

/// Sessions still marked "recording" whose writer is gone: repair, summarise, mark interrupted.
std::vector<std::string> recover_interrupted_sessions(Store& store);

/// Replay sources that are Pneuma's own recordings cut short by a crash (their journal beside
/// them) are repaired before they are replayed, the original kept; any other file is not touched.
/// Returns one line for each repair.
std::vector<std::string> repair_interrupted_replays(std::vector<drivers::SourceSpec> const& sources);

} // namespace pneuma::app
