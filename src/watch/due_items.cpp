#include "watch/due_items.hpp"

#include <algorithm>
#include <fstream>
#include <utility>

namespace pneuma::watch {
namespace {
constexpr int kDefaultFrom = 7 * 60, kDefaultTo = 22 * 60;

/// The waking day [from, to) in minutes; `to` may pass midnight (to > 1440).
std::pair<int, int> waking_day(std::optional<settings::QuietHours> const& quiet) {
  int from = kDefaultFrom, to = kDefaultTo;
  if (quiet && quiet->start.minutes != quiet->end.minutes) {
    from = quiet->end.minutes;
    to = quiet->start.minutes;
    if (to <= from) to += 24 * 60; // quiet hours inside the day (e.g. 13:00-14:00): the rest wraps
  }
  return {from, to};
}

} // namespace

std::vector<DaySlot> day_slots(app::HomePlan const& plan, std::optional<settings::QuietHours> const& quiet) {
  const auto [from, to] = waking_day(quiet);
  const double length = to - from;
  std::vector<DaySlot> out;
  for (int k = 0; k < plan.sessions_per_day; ++k)
    out.push_back({"run " + std::to_string(k + 1), "run", k,
                   (from + static_cast<int>(k * length / plan.sessions_per_day)) % (24 * 60)});
  for (int j = 0; j < plan.micro_per_day; ++j)
    out.push_back({"microbreak " + std::to_string(j + 1), "microbreak", j,
                   (from + static_cast<int>((j + 0.5) * length / plan.micro_per_day)) % (24 * 60)});
  // Order by time within the waking day (which may cross midnight).
  const int day_start = from;  // a named copy: capturing a structured binding needs clang 16
  auto key = [day_start](DaySlot const& s) { return (s.at_min - day_start + 24 * 60) % (24 * 60); };
  std::stable_sort(out.begin(), out.end(), [&](auto const& a, auto const& b) { return key(a) < key(b); });
  return out;
}

PlanFile PlanFile::load(std::string const& path) {
  PlanFile p;
  p.path = path;
  p.plan = app::HomePlan::load(path);
  std::ifstream in(path);
  p.json.assign(std::istreambuf_iterator<char>(in), {});
  return p;
}

std::optional<DueItem> due_now(app::Store& store, app::Profile const& profile, PlanFile const& plan,
                               std::string const& today, int now_min,
                               std::optional<settings::QuietHours> const& quiet) {
  if (quiet && quiet->contains(settings::TimeOfDay{now_min})) return std::nullopt;
  const auto [from, to] = waking_day(quiet);
  const int now_key = (now_min - from + 24 * 60) % (24 * 60);
  if (now_key >= to - from) return std::nullopt; // outside the waking day (07:00-22:00 by default)
  auto next = app::next_planned_session(store, profile, plan.plan, plan.json, plan.path, today);
  if (next.day_done(plan.plan)) return std::nullopt;
  const auto slots = day_slots(plan.plan, quiet);
  std::optional<DueItem> due;
  for (auto const& s : slots) {
    if ((s.at_min - from + 24 * 60) % (24 * 60) > now_key) break;
    const bool owed = s.kind == next.kind && (s.kind == "run" ? next.main_done : next.micro_done) <= s.index;
    if (owed) due = DueItem{s, next};
  }
  return due;
}

} // namespace pneuma::watch
