// History: weekly aggregates, plan adherence, plateau and flare-up flags.
#include <catch2/catch.hpp>
#include <cstdio>

#include "report/history.hpp"

using namespace pneuma::app;

namespace {

SessionRow session(int day, double rmssd, std::optional<double> tension, std::optional<double> pain,
                   double minutes = 10, std::string kind = "run") {
  SessionRow s;
  char iso[32];
  // Day 0 = Monday 2026-01-05.
  std::snprintf(iso, sizeof iso, "2026-01-%02dT08:00:00Z", 5 + day);
  s.started_at = iso;
  s.kind = kind;
  s.status = "complete";
  s.duration_s = minutes * 60;
  s.metrics.rmssd_first_ms = rmssd;
  s.metrics.hr_first_bpm = 70;
  if (tension || pain) s.before = Rating{tension, pain, ""};
  s.after = Rating{tension ? std::optional<double>(*tension - 2) : std::nullopt, std::nullopt, ""};
  return s;
}

bool has_flag(History const& h, std::string const& kind) {
  for (auto const& f : h.flags)
    if (f.kind == kind) return true;
  return false;
}

} // namespace

TEST_CASE("history: week boundaries are Mondays in UTC", "[app]") {
  CHECK(week_start_of("2026-01-05T08:00:00Z") == "2026-01-05"); // a Monday
  CHECK(week_start_of("2026-01-11T23:59:59Z") == "2026-01-05"); // Sunday
  CHECK(week_start_of("2026-01-12T00:00:00Z") == "2026-01-12");
  CHECK(week_start_of("garbage").empty());
}

TEST_CASE("history: weekly minutes, ratings and plan adherence", "[app]") {
  std::vector<SessionRow> s = {session(0, 40, 6, 3), session(1, 42, 5, 3, 20), session(2, 41, std::nullopt, std::nullopt, 2, "microbreak"),
                               session(8, 50, 4, 2)};
  AssessmentRow a;
  a.created_at = "2026-01-06T09:00:00Z";
  a.recommended_bpm = 5.5;
  const auto h = build_history("me", s, {a}, [](std::string const& week) -> std::optional<double> {
    return week == "2026-01-05" ? std::optional<double>(14) : std::nullopt;
  });
  REQUIRE(h.weeks.size() == 2);
  CHECK(h.weeks[0].week_start == "2026-01-05");
  CHECK(h.weeks[0].sessions == 3);
  CHECK(h.weeks[0].main_sessions == 2);
  CHECK(h.weeks[0].minutes == Approx(32));
  CHECK(*h.weeks[0].tension_before == Approx(5.5));
  CHECK(*h.weeks[0].tension_after == Approx(3.5));
  CHECK(*h.weeks[0].rf_bpm == 5.5);
  CHECK(*h.weeks[0].planned_sessions == 14);
  CHECK_FALSE(h.weeks[1].planned_sessions);
  CHECK(*h.weeks[1].rest_rmssd_ms == 50);
  const auto table = history_table(h);
  CHECK(table.find("2/14") != std::string::npos);
  const auto html = history_html(h);
  for (const char* id : {"chart-minutes", "chart-rest", "chart-ratings", "id=\"rf\""}) CHECK(html.find(id) != std::string::npos);
  CHECK(h.flags.empty());
}

TEST_CASE("history: a plateau is flagged when RMSSD and ratings stay flat for weeks", "[app]") {
  std::vector<SessionRow> flat, improving;
  for (int i = 0; i < 8; ++i) {
    flat.push_back(session(i * 3, 40 + (i % 2), 5, 3));
    improving.push_back(session(i * 3, 40 + 3 * i, 5, 3));
  }
  CHECK(has_flag(build_history("me", flat, {}), "plateau"));
  CHECK_FALSE(has_flag(build_history("me", improving, {}), "plateau"));
  // Too short a span (all within 10 days) is not a plateau yet.
  std::vector<SessionRow> short_span;
  for (int i = 0; i < 8; ++i) short_span.push_back(session(i, 40, 5, 3));
  CHECK_FALSE(has_flag(build_history("me", short_span, {}), "plateau"));
}

TEST_CASE("history: a flare-up is flagged when ratings worsen over several sessions", "[app]") {
  std::vector<SessionRow> s = {session(0, 40, 3, 2), session(1, 40, 3, 2), session(2, 40, 3, 3),
                               session(3, 40, 3, 4), session(4, 40, 3, 6)};
  const auto h = build_history("me", s, {});
  REQUIRE(has_flag(h, "flare-up"));
  CHECK(history_table(h).find("pain before sessions rose from 3 to 6") != std::string::npos);
  std::vector<SessionRow> calm = {session(0, 40, 3, 4), session(1, 40, 3, 5), session(2, 40, 3, 4)};
  CHECK_FALSE(has_flag(build_history("me", calm, {}), "flare-up"));
}
