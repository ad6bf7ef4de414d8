#pragma once
// Headless sessions: the same pipeline with no window; one JSON object per line for each second of
// session time: {"t_s","phase","pacer_bpm","breathing_bpm","breathing_source"[,"breathing_doubt"],
// "hr_bpm","quality","rmssd_ms","coherence","rsa_bpm"} (null = not known yet, or computed from poor
// beats; breathing_doubt only when the heart rhythm's breathing rate is withheld).

#include <atomic>
#include <iosfwd>
#include <string>

#include "pacer/pacer_timeline.hpp"
#include "live/pipeline.hpp"

namespace pneuma::app {

/// The JSON line for one snapshot (no newline).
std::string snapshot_json(Snapshot const& s, PacerFrame const& pacer);

/// Runs until `minutes` of session time have been printed or `interrupted` becomes true.
/// A device error (a fatal status, e.g. an exception that escaped the io loop) is told on `err`,
/// one line each, as the window shows it in its status line.
void run_headless(Pipeline& pipeline, double minutes, std::ostream& out,
                  std::atomic<bool> const& interrupted, std::ostream& err);

} // namespace pneuma::app
