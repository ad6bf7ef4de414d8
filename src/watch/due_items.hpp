#pragma once
// Which of the home plan's items is due now, for reminders. The plan (session/plan) says how
// many sessions and micro-breaks a day and which one is next; this file only places them in the
// waking day: the day outside the quiet hours (07:00-22:00 when none are set) holds the day's
// main sessions at its start and at equal steps (with 2 a day: 07:00 and 14:30), and the
// micro-breaks in the middle of equal parts. A slot is due once its time has passed while the
// person has done fewer items of its kind than its number; of several due slots only the latest
// is reminded (a watch started at 15:00 sends one reminder, not three). Nothing is due outside
// the waking day (in quiet hours; before 07:00 and from 22:00 when none are set) or once the
// day's plan is done.

#include <optional>
#include <string>
#include <vector>

#include "session/plan.hpp"
#include "settings/settings.hpp"
#include "store/store.hpp"

namespace pneuma::watch {

struct DaySlot {
  std::string item;  ///< "run 1", "microbreak 2": the store's key, one reminder per day and plan
  std::string kind;  ///< run | microbreak
  int index = 0;     ///< 0-based within its kind
  int at_min = 0;    ///< local minutes after midnight
};

/// The day's slots, in time order.
std::vector<DaySlot> day_slots(app::HomePlan const& plan, std::optional<settings::QuietHours> const& quiet);

struct DueItem {
  DaySlot slot;
  app::PlannedSession session; ///< what `pneuma run --plan` would start
};

/// The plan file as the store knows it (its text identifies the plan).
struct PlanFile {
  std::string path;
  std::string json;
  app::HomePlan plan;
  static PlanFile load(std::string const& path); ///< throws like HomePlan::load
};

/// The item to remind now at local date `today` and minute `now_min`, if any. Registers the plan
/// in the store on first use (as `run --plan` does).
std::optional<DueItem> due_now(app::Store& store, app::Profile const& profile, PlanFile const& plan,
                               std::string const& today, int now_min,
                               std::optional<settings::QuietHours> const& quiet);

} // namespace pneuma::watch
