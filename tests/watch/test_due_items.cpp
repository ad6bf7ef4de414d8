// Which plan item is due when: the waking day outside quiet hours, one slot per item, only the
// latest owed slot, nothing once the day is done; and the store keeps one reminder per item.
#include <catch2/catch.hpp>

#include "report/watch_history.hpp"
#include "support/temp_dir.hpp"
#include "watch/due_items.hpp"

using namespace pneuma;

namespace {
constexpr char const* kPlan = R"({"schema": "pneuma-plan/1", "sessions_per_day": 2,
  "steps": [{"days": 7, "minutes": 10}], "micro_breaks": {"per_day": 2, "minutes": 2}})";

struct Fixture {
  test::TempDir dir;
  app::Store store{dir.path};
  app::Profile profile = store.ensure_profile("default");
  watch::PlanFile plan;
  std::optional<settings::QuietHours> quiet = settings::QuietHours::parse("22:00-07:00");
  std::string today = app::local_date_today();
  Fixture() {
    plan.path = (dir.path / "plan.json").string();
    plan.json = kPlan;
    plan.plan = app::HomePlan::parse(kPlan);
  }
  std::optional<watch::DueItem> at(int hh, int mm) { return watch::due_now(store, profile, plan, today, hh * 60 + mm, quiet); }
  void done(std::string const& kind) {
    const auto due = at(21, 0);
    app::SessionRow s;
    s.profile_id = profile.id;
    s.kind = kind;
    s.status = "complete";
    s.plan_id = due ? std::optional<std::int64_t>(due->session.plan_id) : std::nullopt;
    store.begin_session(s);
  }
};
int minutes(std::string const& hhmm) { return settings::TimeOfDay::parse(hhmm).minutes; }
} // namespace

TEST_CASE("due items: slots spread over the waking day outside quiet hours", "[watch]") {
  Fixture f;
  const auto slots = watch::day_slots(f.plan.plan, f.quiet);
  REQUIRE(slots.size() == 4);
  // 07:00-22:00 is 15 h: sessions at its start and half-way, micro-breaks in the middle of halves.
  CHECK(slots[0].item == "run 1");
  CHECK(slots[0].at_min == minutes("07:00"));
  CHECK(slots[1].item == "microbreak 1");
  CHECK(slots[1].at_min == minutes("10:45"));
  CHECK(slots[2].item == "run 2");
  CHECK(slots[2].at_min == minutes("14:30"));
  CHECK(slots[3].item == "microbreak 2");
  CHECK(slots[3].at_min == minutes("18:15"));
}

TEST_CASE("due items: nothing in quiet hours, the latest owed slot, nothing when the day is done", "[watch]") {
  Fixture f;
  CHECK_FALSE(f.at(6, 30));  // quiet
  CHECK_FALSE(f.at(23, 0));  // quiet
  REQUIRE(f.at(7, 0));
  CHECK(f.at(7, 0)->slot.item == "run 1");
  // At 15:00 with nothing done, one reminder (for the half-day's slot), not one per missed slot.
  CHECK(f.at(15, 0)->slot.item == "run 2");
  CHECK(f.at(15, 0)->session.kind == "run");
  f.done("run");
  CHECK(f.at(15, 0)->slot.item == "run 2");
  f.done("run");
  // Main sessions done: the plan offers micro-breaks; the one whose slot passed is due.
  REQUIRE(f.at(15, 0));
  CHECK(f.at(15, 0)->slot.item == "microbreak 1");
  CHECK(f.at(15, 0)->session.kind == "microbreak");
  CHECK(f.at(19, 0)->slot.item == "microbreak 2");
  f.done("microbreak");
  f.done("microbreak");
  CHECK_FALSE(f.at(19, 0)); // the day's plan is done
}

TEST_CASE("due items: without quiet hours, reminders keep to 07:00-22:00", "[watch]") {
  Fixture f;
  f.quiet.reset();
  CHECK_FALSE(f.at(0, 30));
  CHECK_FALSE(f.at(22, 30));
  CHECK(f.at(7, 30)->slot.item == "run 1");
}

TEST_CASE("store: one reminder per plan, day and item, and a decided outcome stays", "[watch][store]") {
  Fixture f;
  const auto due = f.at(7, 0);
  REQUIRE(due);
  app::WatchEvent e;
  e.profile_id = f.profile.id;
  e.plan_id = due->session.plan_id;
  e.item = "run 1";
  e.day = f.today;
  e.sent_at = "2026-12-01T07:00:00Z";
  const auto id = f.store.add_watch_event(e);
  REQUIRE(id);
  CHECK_FALSE(f.store.add_watch_event(e)); // a second watch, or a restart, sends nothing more
  f.store.set_watch_outcome(*id, "snoozed", "2026-12-01T07:01:00Z");
  f.store.set_watch_outcome(*id, "ignored"); // closing the snoozed notification changes nothing
  auto events = f.store.watch_events(f.profile.id);
  REQUIRE(events.size() == 1);
  CHECK(events[0].outcome == "snoozed");
  CHECK(events[0].outcome_at == "2026-12-01T07:01:00Z");
  // Nudges are not keyed per item: two in a day are two rows.
  app::WatchEvent n;
  n.profile_id = f.profile.id;
  n.kind = "nudge";
  n.item = "nudge 10:00";
  n.day = f.today;
  n.sent_at = "2026-12-01T10:00:00Z";
  CHECK(f.store.add_watch_event(n));
  n.sent_at = "2026-12-01T12:00:00Z";
  CHECK(f.store.add_watch_event(n));
}

TEST_CASE("watch history: answers counted, and a session within the window follows", "[watch][report]") {
  std::vector<app::WatchEvent> events = {
      {1, 1, "reminder", 1, "run 1", "2026-12-01", "2026-12-01T07:00:00Z", "taken", ""},
      {2, 1, "reminder", 1, "run 2", "2026-12-01", "2026-12-01T14:30:00Z", "ignored", ""},
      {3, 1, "nudge", std::nullopt, "nudge 11:00", "2026-12-01", "2026-12-01T11:00:00Z", "sent", ""},
      {4, 1, "nudge", std::nullopt, "nudge 16:00", "2026-12-01", "2026-12-01T16:00:00Z", "snoozed", ""}};
  std::vector<app::SessionRow> sessions(3);
  sessions[0].profile_id = 1, sessions[0].status = "complete", sessions[0].started_at = "2026-12-01T07:01:00Z";
  sessions[1].profile_id = 1, sessions[1].status = "complete", sessions[1].started_at = "2026-12-01T11:29:00Z";
  sessions[2].profile_id = 1, sessions[2].status = "failed", sessions[2].started_at = "2026-12-01T16:05:00Z";
  const auto s = app::summarize_watch(events, sessions);
  CHECK(s.reminders.sent == 2);
  CHECK(s.reminders.taken == 1);
  CHECK(s.reminders.ignored == 1);
  CHECK(s.reminders.followed == 1);   // 07:01 after 07:00; nothing within 1 h of 14:30
  CHECK(s.nudges.sent == 2);
  CHECK(s.nudges.unanswered == 1);
  CHECK(s.nudges.snoozed == 1);
  CHECK(s.nudges.followed == 1);      // 11:29 within 30 min of 11:00; a failed session is not practice
  CHECK(app::watch_html(s).find("<table id=\"watch\">") != std::string::npos);
  CHECK(app::watch_table({}).empty());
}
