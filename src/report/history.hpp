#pragma once
// Practice over the weeks, from the store: per ISO week (Monday start, local time; every week
// from the first to the last, those without practice too) the sessions,
// minutes practised, resting HR and RMSSD (first two minutes of each session, before the slow
// breathing has acted), tension and pain before and after, the resonance frequency assessed,
// and plan adherence when a home plan is followed.
// Flags:
// * plateau: over the last 6+ sessions spanning at least 14 days, resting RMSSD changes by less
//   than 5 % (least-squares line, start to end) and neither rating improves by 1 point or more;
// * flare-up: tension or pain before the session worsening over the last 3 sessions (each at least
//   the one before, and up by 2+ points overall), or the last 3 averaging 2+ points above the 5
//   before them.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace pneuma::app {

struct WeekSummary {
  std::string week_start;              ///< YYYY-MM-DD (Monday)
  int sessions = 0;       ///< practice sessions (runs and micro-breaks)
  int main_sessions = 0;  ///< runs (what a plan's sessions_per_day counts)
  double minutes = 0;
  std::optional<double> rest_hr_bpm, rest_rmssd_ms;
  std::optional<double> tension_before, tension_after, pain_before, pain_after;
  std::optional<double> rf_bpm;        ///< latest assessment that week
  std::optional<int> planned_sessions; ///< from the home plan
};

struct HistoryFlag {
  std::string kind; ///< "plateau" | "flare-up"
  std::string text;
};

struct History {
  std::string profile;
  std::vector<SessionRow> sessions;
  std::vector<AssessmentRow> assessments;
  std::vector<WeekSummary> weeks;
  std::vector<HistoryFlag> flags;
};

using PlannedPerWeek = std::function<std::optional<double>(std::string const& week_start)>;

/// `planned_per_week(week_start)` gives the plan's session count for a week (nullopt: no plan).
History build_history(std::string profile, std::vector<SessionRow> sessions,
                      std::vector<AssessmentRow> assessments,
                      PlannedPerWeek const& planned_per_week = {});

std::string history_table(History const& h);
std::string history_html(History const& h);

/// Monday (YYYY-MM-DD, local time) of the week of an ISO 8601 UTC time; "" when unreadable.
std::string week_start_of(std::string const& iso_utc);

} // namespace pneuma::app
