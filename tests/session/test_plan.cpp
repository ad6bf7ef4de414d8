// Home plans: schema validation with named fields, the session due today, adherence per week.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "session/plan.hpp"
#include "support/process.hpp"
#include <fstream>
#include "support/temp_dir.hpp"

using namespace pneuma::app;
namespace fs = std::filesystem;

using pneuma::test::TempDir;

namespace {

/// YYYY-MM-DD `days` after `date` (civil calendar), computed here without the plan code.
std::string days_after(std::string const& date, int days) {
  namespace ch = std::chrono;
  const ch::year_month_day d{ch::year(std::stoi(date.substr(0, 4))), ch::month(static_cast<unsigned>(std::stoi(date.substr(5, 2)))),
                             ch::day(static_cast<unsigned>(std::stoi(date.substr(8, 2))))};
  const ch::year_month_day later{ch::sys_days(d) + ch::days(days)};
  char out[32]; // room for any year: GCC 12 -Wformat-truncation (an error with -Werror)
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(later.year()), static_cast<unsigned>(later.month()),
                static_cast<unsigned>(later.day()));
  return out;
}

constexpr char const* kPlan = R"({"schema": "pneuma-plan/1", "title": "4 weeks", "rate_bpm": "assessed",
  "fallback_rate_bpm": 6, "ie": "4:6", "sessions_per_day": 2,
  "steps": [{"days": 7, "minutes": 5}, {"days": 7, "minutes": 10}, {"days": 7, "minutes": 15}, {"minutes": 20}],
  "micro_breaks": {"per_day": 3, "minutes": 2}})";

} // namespace

TEST_CASE("plan: the documented example parses", "[app]") {
  const auto p = HomePlan::parse(kPlan);
  CHECK(p.sessions_per_day == 2);
  REQUIRE(p.steps.size() == 4);
  CHECK(p.steps[3].days == 7);
  CHECK(p.steps[3].minutes == 20);
  CHECK(p.total_days() == 28);
  CHECK_FALSE(p.rate_bpm);
  CHECK(p.micro_per_day == 3);
  CHECK(p.inhale_parts == 4);
}

TEST_CASE("plan: bad plans name the field that is wrong", "[app]") {
  struct Case {
    std::string json, expect;
  };
  for (auto const& c : {Case{"{", "not valid JSON"}, Case{"[]", "expected a JSON object"},
                        Case{R"({"schema": "x", "steps": [{"minutes": 5}]})", "schema"},
                        Case{R"({"schema": "pneuma-plan/1"})", "steps"},
                        Case{R"({"schema": "pneuma-plan/1", "steps": [{"minutes": 500}]})", "steps[0].minutes"},
                        Case{R"({"schema": "pneuma-plan/1", "steps": [{"days": 7}]})", "steps[0].minutes: missing"},
                        Case{R"({"schema": "pneuma-plan/1", "steps": [{"minutes": 5}], "rate_bpm": 20})", "rate_bpm"},
                        Case{R"({"schema": "pneuma-plan/1", "steps": [{"minutes": 5}], "micro_breaks": {"minutes": 10}})",
                             "micro_breaks.minutes"},
                        Case{R"({"schema": "pneuma-plan/1", "steps": [{"minutes": 5}], "colour": "blue"})", "colour"}}) {
    INFO(c.json);
    CHECK_THROWS_WITH(HomePlan::parse(c.json), Catch::Contains(c.expect));
  }
}

TEST_CASE("plan: durations grow by step, micro-breaks follow the day's sessions, the rate is assessed", "[app]") {
  TempDir dir;
  Store store(dir.path);
  auto profile = store.ensure_profile("home");
  const auto plan = HomePlan::parse(kPlan);
  auto due = next_planned_session(store, profile, plan, kPlan, "plan.json", local_date_today());
  CHECK(due.kind == "run");
  CHECK(due.minutes == 5);
  CHECK(due.pacer.rate_bpm == 6); // no assessment yet: the fallback
  CHECK(due.day == 0);
  // Two runs done today -> a micro-break is due.
  for (int i = 0; i < 2; ++i) {
    SessionRow r;
    r.profile_id = profile.id;
    r.plan_id = due.plan_id;
    const auto id = store.begin_session(r);
    store.finish_session(id, "complete", 300, {});
  }
  store.set_resonance(profile.id, 5.5, 0.9);
  profile = *store.find_profile("home");
  due = next_planned_session(store, profile, plan, kPlan, "plan.json", local_date_today());
  CHECK(due.kind == "microbreak");
  CHECK(due.minutes == 2);
  CHECK(due.pacer.rate_bpm == 5.5);
  const auto rows = store.plans(profile.id);
  REQUIRE(rows.size() == 1);
  CHECK(days_between(rows[0].started_on, local_date_today()) == 0);
  // Ten days later: day 10 is in the second step (days 7-13: 10 min), nothing done yet that day.
  const auto later = next_planned_session(store, profile, plan, kPlan, "plan.json", days_after(rows[0].started_on, 10));
  CHECK(later.kind == "run");
  CHECK(later.day == 10);
  CHECK(later.minutes == 10);
  CHECK(later.pacer.rate_bpm == 5.5);
  CHECK(later.plan_id == due.plan_id); // the same plan, not registered again
  // Day 20 is in the third step (days 14-20: 15 min); day 21 starts the last (20 min).
  CHECK(next_planned_session(store, profile, plan, kPlan, "plan.json", days_after(rows[0].started_on, 20)).minutes == 15);
  CHECK(next_planned_session(store, profile, plan, kPlan, "plan.json", days_after(rows[0].started_on, 21)).minutes == 20);
  // The same plan text is one plan; the week holding its start plans 2 runs per remaining day.
  const auto in_use = plans_of(store, profile.id);
  REQUIRE(in_use.size() == 1);
  const auto planned = planned_sessions_in_week(in_use, rows[0].started_on);
  REQUIRE(planned);
  CHECK(*planned == 14); // the start is day 0 of the week counted from itself: 7 days x 2
  CHECK(days_between("2026-01-01", "2026-01-11") == 10);
  CHECK_THROWS_WITH(days_between("2026-13-01", "2026-01-01"), Catch::Contains("not a date"));
}

TEST_CASE("plan: a plan that has not started yet is refused", "[app]") {
  TempDir dir;
  Store store(dir.path);
  const auto profile = store.ensure_profile("home");
  const std::string text = R"({"schema": "pneuma-plan/1", "start": "2099-01-01", "steps": [{"minutes": 5}]})";
  CHECK_THROWS_WITH(next_planned_session(store, profile, HomePlan::parse(text), text, "p.json", local_date_today()),
                    Catch::Contains("starts on 2099-01-01"));
}

TEST_CASE("plan e2e: run --plan follows the plan and history shows adherence", "[app][slow]") {
  TempDir dir;
  const auto plan = dir.path / "plan.json";
  std::ofstream(plan) << R"({"schema": "pneuma-plan/1", "rate_bpm": 5.5, "ie": "4:6", "sessions_per_day": 2,
    "steps": [{"days": 7, "minutes": 1}], "micro_breaks": {"per_day": 1, "minutes": 1}})";
  const std::string env = "XDG_DATA_HOME=" + dir.path.string() + " ";
  std::vector<std::string> said;
  for (int i = 0; i < 3; ++i) {
    const auto r = pneuma::test::run_process("{ " + env + pneuma::test::pneuma_binary() + " run --headless --speed 100 --no-record --plan " +
                                                 plan.string() + " >/dev/null; }",
                                             true);
    REQUIRE(r.exit_code == 0);
    said.push_back(r.out);
  }
  CHECK(said[0].find("session 1 of 2 today, 1 min at 5.5/min") != std::string::npos);
  CHECK(said[1].find("session 2 of 2 today") != std::string::npos);
  CHECK(said[2].find("micro-break 1 of 1 today") != std::string::npos);
  Store store(dir.path / "pneuma");
  const auto sessions = store.sessions();
  REQUIRE(sessions.size() == 3);
  CHECK(sessions[0].pacer_bpm == 5.5);
  CHECK(sessions[0].ie == "4:6");
  CHECK(sessions[2].kind == "microbreak");
  const auto h = pneuma::test::run_process(env + pneuma::test::pneuma_binary() + " history");
  REQUIRE(h.exit_code == 0);
  CHECK(h.out.find(" 2/") != std::string::npos); // two of the planned runs done this week
}
