#pragma once
// Home plans (docs/plan-schema.md): a clinician's JSON file saying how often and how long to
// practise, growing step by step, with short micro-break sessions, at the rate from the
// assessment. `pneuma run --plan FILE` asks which session is due now; history shows adherence.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pacer/pacer_model.hpp"
#include "store/store.hpp"

namespace pneuma::app {

struct PlanStep {
  int days = 7;
  double minutes = 10;
};

struct HomePlan {
  std::string title;
  std::string notes;                    ///< the clinician's words for the patient (shown in the window)
  std::optional<std::string> profile;
  std::optional<std::string> start;     ///< YYYY-MM-DD; default: the day it is first used
  std::optional<double> rate_bpm;       ///< nullopt: "assessed"
  double fallback_rate_bpm = 6.0;
  double inhale_parts = 4, exhale_parts = 6;
  int sessions_per_day = 2;
  std::vector<PlanStep> steps;
  int micro_per_day = 0;
  double micro_minutes = 2;

  /// Parses and validates; throws std::invalid_argument naming the field ("steps[2].minutes: ...").
  static HomePlan parse(std::string const& json_text);
  /// Throws std::invalid_argument naming the path (unreadable, a directory, over the limit).
  static HomePlan load(std::string const& path);
  /// A plan file's text, bounded to kMaxPlanBytes; throws like load().
  static std::string read_text(std::string const& path);
  static constexpr std::uintmax_t kMaxPlanBytes = 64 * 1024;
  [[nodiscard]] int total_days() const;
};

/// What `run --plan` should do now.
struct PlannedSession {
  std::string kind = "run";   ///< run | microbreak
  double minutes = 10;
  PacerSettings pacer;
  std::int64_t plan_id = 0;
  int day = 0;                ///< 0-based day of the plan
  std::string message;        ///< one line for the user
};

/// `today` is YYYY-MM-DD (local). Registers the plan in the store on first use.
PlannedSession next_planned_session(Store& store, Profile const& profile, HomePlan const& plan,
                                    std::string const& plan_json, std::string const& source_path,
                                    std::string const& today);

struct PlanInUse {
  PlanRow row;
  HomePlan plan;
};
std::vector<PlanInUse> plans_of(Store& store, std::int64_t profile_id);
/// Main sessions the plans ask for in the week starting `week_start` (Monday); nullopt: no plan.
std::optional<double> planned_sessions_in_week(std::vector<PlanInUse> const& plans, std::string const& week_start);

/// Local date YYYY-MM-DD of now, and of an ISO UTC time.
std::string local_date_today();
std::string local_date_of(std::string const& iso_utc);
/// Days from a to b (YYYY-MM-DD); throws std::invalid_argument on a bad date.
int days_between(std::string const& a, std::string const& b);

} // namespace pneuma::app
