#pragma once
// The session report: one self-contained HTML file (inline CSS and SVG, no scripts, no external
// assets) with the session's facts, scores, self-ratings, breathing against the pacer, heart
// rate with its RSA waves, HRV in the first and last two minutes, and the assessment table when
// the session was a resonance-frequency assessment. Print styles give a clean A4 page.

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
};

std::string render_report(ReportInput const& input);

} // namespace pneuma::app
