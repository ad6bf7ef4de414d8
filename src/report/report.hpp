#pragma once
// The session report: one self-contained HTML file (inline CSS and SVG, no scripts, no external
// assets) with the session's facts, scores, self-ratings, breathing against the pacer, heart
// rate with its RSA waves, HRV in the first and last two minutes, and the assessment table when
// the session was a resonance-frequency assessment. The first page is the patient's, in plain
// words (what you did, how your body answered against what is typical, the next step, the
// clinician's notes); the clinician's numbers follow. Print styles give clean A4 pages.

#include <filesystem>
#include <optional>
#include <string>

#include "store/store.hpp"
#include "pneuma/drivers/files/signal_file.hpp"

namespace pneuma::app {

struct ReportInput {
  drivers::files::Recording rec;
  std::filesystem::path recording_path;
  std::optional<SessionRow> row;        ///< when the store lists the session
  std::optional<Profile> profile;
  std::optional<AssessmentRow> assessment;
  std::optional<std::string> history;    ///< one plain sentence against the person's own sessions
  std::optional<std::string> next_step;  ///< the plan's next session, in plain words
  std::optional<std::string> plan_notes; ///< the clinician's notes from the home plan
};

/// "2026-12-01T22:05:00Z" -> "Tue 1 Dec 2026, 23:05 CET (UTC+01:00)" in the machine's zone (TZ);
/// text that is not such a time comes back unchanged.
std::string local_time_text(std::string const& utc_iso);

std::string render_report(ReportInput const& input);

} // namespace pneuma::app
