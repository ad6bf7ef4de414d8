#include "report/watch_history.hpp"

#include <cstdio>
#include <ctime>
#include <optional>

namespace pneuma::app {
namespace {

constexpr double kReminderWindow_s = 3600, kNudgeWindow_s = 1800;

std::optional<std::time_t> utc(std::string const& iso) {
  std::tm t{};
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min,
                  &t.tm_sec) != 6)
    return std::nullopt;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return timegm(&t);
}

std::string percent(int part, int whole) {
  if (whole == 0) return "?";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f %%", 100.0 * part / whole);
  return buf;
}

std::string line(char const* what, WatchCounts const& c, char const* window) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "  %-9s %3d sent: %d started from it, %d later, %d ignored, %d unanswered; followed by a "
                "session within %s: %d (%s)\n",
                what, c.sent, c.taken, c.snoozed, c.ignored, c.unanswered, window, c.followed,
                percent(c.followed, c.sent).c_str());
  return buf;
}

std::string row(char const* what, WatchCounts const& c) {
  auto td = [](std::string const& v) { return "<td>" + v + "</td>"; };
  return "<tr><th>" + std::string(what) + "</th>" + td(std::to_string(c.sent)) + td(std::to_string(c.taken)) +
         td(std::to_string(c.snoozed)) + td(std::to_string(c.ignored)) + td(std::to_string(c.unanswered)) +
         td(std::to_string(c.followed) + " (" + percent(c.followed, c.sent) + ")") + "</tr>";
}

} // namespace

WatchSummary summarize_watch(std::vector<WatchEvent> const& events, std::vector<SessionRow> const& sessions) {
  WatchSummary s;
  for (auto const& e : events) {
    auto& c = e.kind == "nudge" ? s.nudges : s.reminders;
    ++c.sent;
    if (e.outcome == "taken") ++c.taken;
    else if (e.outcome == "snoozed") ++c.snoozed;
    else if (e.outcome == "ignored") ++c.ignored;
    else ++c.unanswered;
    const auto sent = utc(e.sent_at);
    if (!sent) continue;
    const double window = e.kind == "nudge" ? kNudgeWindow_s : kReminderWindow_s;
    for (auto const& session : sessions) {
      if (session.profile_id != e.profile_id || (session.status != "complete" && session.status != "interrupted"))
        continue;
      const auto started = utc(session.started_at);
      if (started && *started >= *sent && static_cast<double>(*started - *sent) <= window) {
        ++c.followed;
        break;
      }
    }
  }
  return s;
}

std::string watch_table(WatchSummary const& s) {
  if (s.reminders.sent == 0 && s.nudges.sent == 0) return {};
  return "\nReminders and nudges (pneuma watch):\n" + line("reminders", s.reminders, "1 h") +
         line("nudges", s.nudges, "30 min");
}

std::string watch_html(WatchSummary const& s) {
  if (s.reminders.sent == 0 && s.nudges.sent == 0) return {};
  return "<h2>Reminders and nudges</h2>\n<table id=\"watch\"><tr><th></th><th>sent</th><th>started from it</th>"
         "<th>later</th><th>ignored</th><th>unanswered</th><th>followed by a session</th></tr>" +
         row("reminders (within 1 h)", s.reminders) + row("nudges (within 30 min)", s.nudges) + "</table>\n";
}

} // namespace pneuma::app
