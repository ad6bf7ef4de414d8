// History charts a person can read: dates on the x axis, a gap for a week without practice,
// minutes that match the table, one week is not "no data", before and after in their own colours.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "report/history.hpp"

using namespace pneuma::app;

namespace {
SessionRow practice(int day, double minutes, double tension_before, double tension_after) {
  SessionRow s;
  char iso[32];
  std::snprintf(iso, sizeof iso, "2026-01-%02dT08:00:00Z", 5 + day); // day 0: Monday 5 Jan 2026
  s.started_at = iso;
  s.kind = "run";
  s.status = "complete";
  s.duration_s = minutes * 60;
  s.metrics.hr_first_bpm = 70;
  s.metrics.rmssd_first_ms = 40;
  s.before = Rating{tension_before, std::nullopt, ""};
  s.after = Rating{tension_after, std::nullopt, ""};
  return s;
}

std::size_t count(std::string const& text, std::string const& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

struct UtcZone {
  std::string old;
  bool had = false;
  UtcZone() {
    if (const char* o = std::getenv("TZ")) {
      had = true;
      old = o;
    }
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  ~UtcZone() {
    if (had) ::setenv("TZ", old.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
};
} // namespace

TEST_CASE("history charts: dated weeks, a gap for the missing one, minutes as in the table", "[report]") {
  UtcZone utc;
  // Week of 5 Jan: 2 + 1.5 min; no session the week of 12 Jan; week of 19 Jan: 1.5 min.
  const auto h = build_history("me", {practice(0, 2, 6, 4), practice(1, 1.5, 5, 3), practice(14, 1.5, 4, 2)}, {});
  REQUIRE(h.weeks.size() == 3);
  CHECK(h.weeks[1].week_start == "2026-01-12");
  CHECK(h.weeks[1].sessions == 0);
  CHECK(h.weeks[1].minutes == 0);
  const std::string table = history_table(h);
  CHECK(table.find("2026-01-05    2     3.5") != std::string::npos);
  CHECK(table.find("2026-01-12    0     0.0") != std::string::npos);
  const std::string html = history_html(h);
  CHECK(html.find("<td>3.5</td>") != std::string::npos); // the chart's value, as the table shows it
  for (const char* date : {">5 Jan<", ">12 Jan<", ">19 Jan<"}) CHECK(html.find(date) != std::string::npos);
  CHECK(count(html, "class=\"xtick\"") == 3 * 3); // one dated tick per week on each chart, no "1.5"
  // Resting HR: weeks 1 and 3 with nothing between: two stretches in one path.
  const auto rest = html.find("class=\"series rest-hr\"");
  REQUIRE(rest != std::string::npos);
  const auto d = html.substr(rest, html.find("/>", rest) - rest);
  CHECK(count(d, "M") == 2);
  CHECK(count(d, "L") == 0);
  // Before and after differ in colour, not only in dashes.
  CHECK(html.find("class=\"series tension-before\" fill=\"none\" stroke=\"#9467bd\"") != std::string::npos);
  CHECK(html.find("class=\"series tension-after\" fill=\"none\" stroke=\"#17becf\"") != std::string::npos);
}

TEST_CASE("history charts: a single week of sessions is drawn, not 'no data'", "[report]") {
  UtcZone utc;
  const auto h = build_history("me", {practice(0, 10, 6, 4), practice(1, 10, 5, 3), practice(2, 10, 5, 3)}, {});
  REQUIRE(h.weeks.size() == 1);
  const std::string html = history_html(h);
  CHECK(html.find("no data") == std::string::npos);
  CHECK(count(html, "class=\"point minutes\"") == 1);
}
