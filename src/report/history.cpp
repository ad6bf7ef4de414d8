#include "report/history.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "report/report_svg.hpp"

namespace pneuma::app {
namespace {

std::optional<double> mean(std::vector<double> const& v) {
  if (v.empty()) return std::nullopt;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

std::string fmt(std::optional<double> v, int decimals) {
  if (!v || !std::isfinite(*v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}

std::optional<std::time_t> parse_utc(std::string const& iso) {
  std::tm t{};
  if (iso.size() < 19 || std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &t.tm_year, &t.tm_mon, &t.tm_mday,
                                     &t.tm_hour, &t.tm_min, &t.tm_sec) != 6)
    return std::nullopt;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return timegm(&t);
}

/// Least-squares change from the first to the last of `y` (x = 0..n-1), relative to the mean.
std::optional<double> relative_trend(std::vector<double> const& y) {
  const auto n = static_cast<double>(y.size());
  if (y.size() < 3) return std::nullopt;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double x = static_cast<double>(i);
    sx += x;
    sy += y[i];
    sxx += x * x;
    sxy += x * y[i];
  }
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const double m = sy / n;
  return m != 0 ? slope * (n - 1) / m : std::optional<double>{};
}

} // namespace

std::string week_start_of(std::string const& iso_utc) {
  const auto t = parse_utc(iso_utc);
  if (!t) return "";
  // The person's week: Monday in local time (a session at 00:30 on Monday is Monday's).
  std::tm d{};
  localtime_r(&*t, &d);
  d.tm_mday -= (d.tm_wday + 6) % 7;
  d.tm_hour = 12; // midday: no daylight-saving change moves it to another day
  d.tm_min = d.tm_sec = 0;
  d.tm_isdst = -1;
  std::mktime(&d);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &d);
  return buf;
}

namespace {
/// The Monday after `week_start` (YYYY-MM-DD), by the calendar.
std::string next_week(std::string const& week_start) {
  std::tm d{};
  if (std::sscanf(week_start.c_str(), "%d-%d-%d", &d.tm_year, &d.tm_mon, &d.tm_mday) != 3) return "";
  d.tm_year -= 1900;
  d.tm_mon -= 1;
  d.tm_mday += 7;
  d.tm_hour = 12;
  d.tm_isdst = -1;
  std::mktime(&d);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &d);
  return buf;
}

/// "2026-12-07" -> "7 Dec" (the chart's tick label).
std::string short_date(std::string const& ymd) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int y = 0, m = 0, d = 0;
  if (std::sscanf(ymd.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) return ymd;
  return std::to_string(d) + " " + kMonths[m - 1];
}
} // namespace

History build_history(std::string profile, std::vector<SessionRow> sessions, std::vector<AssessmentRow> assessments,
                      PlannedPerWeek const& planned_per_week) {
  History h;
  h.profile = std::move(profile);
  h.sessions = std::move(sessions);
  h.assessments = std::move(assessments);
  std::map<std::string, std::vector<SessionRow const*>> by_week;
  for (auto const& s : h.sessions)
    if (s.kind != "assess" && s.status != "failed") by_week[week_start_of(s.started_at)].push_back(&s);
  for (auto const& a : h.assessments) by_week[week_start_of(a.created_at)];
  for (auto const& [week, list] : by_week) {
    WeekSummary w;
    w.week_start = week;
    std::vector<double> hr, rmssd, tb, ta, pb, pa;
    for (auto const* s : list) {
      ++w.sessions;
      if (s->kind == "run") ++w.main_sessions;
      w.minutes += s->duration_s / 60.0;
      if (s->metrics.hr_first_bpm) hr.push_back(*s->metrics.hr_first_bpm);
      if (s->metrics.rmssd_first_ms) rmssd.push_back(*s->metrics.rmssd_first_ms);
      if (s->before && s->before->tension) tb.push_back(*s->before->tension);
      if (s->after && s->after->tension) ta.push_back(*s->after->tension);
      if (s->before && s->before->pain) pb.push_back(*s->before->pain);
      if (s->after && s->after->pain) pa.push_back(*s->after->pain);
    }
    w.rest_hr_bpm = mean(hr);
    w.rest_rmssd_ms = mean(rmssd);
    w.tension_before = mean(tb);
    w.tension_after = mean(ta);
    w.pain_before = mean(pb);
    w.pain_after = mean(pa);
    for (auto const& a : h.assessments)
      if (week_start_of(a.created_at) == week && a.recommended_bpm) w.rf_bpm = a.recommended_bpm;
    if (planned_per_week)
      if (auto p = planned_per_week(week)) w.planned_sessions = static_cast<int>(std::lround(*p));
    h.weeks.push_back(w);
  }
  // Weeks without practice between the first and the last are weeks too (0 sessions): a chart
  // and a table that skipped them would draw a steady habit where there was a break.
  std::vector<WeekSummary> all_weeks;
  for (auto const& w : h.weeks) {
    while (!all_weeks.empty() && !w.week_start.empty()) {
      const std::string next = next_week(all_weeks.back().week_start);
      if (next.empty() || next >= w.week_start) break;
      WeekSummary empty;
      empty.week_start = next;
      if (planned_per_week)
        if (auto p = planned_per_week(next)) empty.planned_sessions = static_cast<int>(std::lround(*p));
      all_weeks.push_back(empty);
    }
    all_weeks.push_back(w);
  }
  h.weeks = std::move(all_weeks);

  // Flags over the practice sessions, oldest first.
  std::vector<SessionRow const*> practice;
  for (auto const& s : h.sessions)
    if (s.kind != "assess" && s.status != "failed") practice.push_back(&s);
  if (practice.size() >= 6) {
    const std::size_t n = std::min<std::size_t>(practice.size(), 8);
    std::vector<double> rmssd, tension, pain;
    for (std::size_t i = practice.size() - n; i < practice.size(); ++i) {
      if (practice[i]->metrics.rmssd_first_ms) rmssd.push_back(*practice[i]->metrics.rmssd_first_ms);
      if (practice[i]->before && practice[i]->before->tension) tension.push_back(*practice[i]->before->tension);
      if (practice[i]->before && practice[i]->before->pain) pain.push_back(*practice[i]->before->pain);
    }
    const auto t0 = parse_utc(practice[practice.size() - n]->started_at);
    const auto t1 = parse_utc(practice.back()->started_at);
    const bool long_enough = t0 && t1 && *t1 - *t0 >= 14 * 86400;
    const auto trend = relative_trend(rmssd);
    auto improved = [](std::vector<double> const& v) { return v.size() >= 2 && v.front() - v.back() >= 1.0; };
    if (long_enough && trend && std::abs(*trend) < 0.05 && !improved(tension) && !improved(pain)) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "plateau: resting RMSSD changed %+.1f %% over the last %zu sessions and the ratings did not "
                    "improve; consider re-assessing the resonance frequency or changing the plan",
                    *trend * 100, n);
      h.flags.push_back({"plateau", text});
    }
  }
  for (char const* which : {"tension", "pain"}) {
    std::vector<double> v;
    for (auto const* s : practice)
      if (s->before) {
        const auto x = std::string(which) == "tension" ? s->before->tension : s->before->pain;
        if (x) v.push_back(*x);
      }
    if (v.size() < 3) continue;
    const std::size_t n = v.size();
    const bool rising = v[n - 1] >= v[n - 2] && v[n - 2] >= v[n - 3] && v[n - 1] - v[n - 3] >= 2;
    bool above = false;
    if (n >= 8) {
      const double last3 = (v[n - 1] + v[n - 2] + v[n - 3]) / 3;
      double prev5 = 0;
      for (std::size_t i = n - 8; i < n - 3; ++i) prev5 += v[i] / 5;
      above = last3 - prev5 >= 2;
    }
    if (rising || above) {
      char text[200];
      std::snprintf(text, sizeof text, "flare-up: %s before sessions rose from %.0f to %.0f over the last 3 sessions",
                    which, v[n - 3], v[n - 1]);
      h.flags.push_back({"flare-up", text});
    }
  }
  return h;
}

std::string history_table(History const& h) {
  std::string out = "Profile " + h.profile + ": " + std::to_string(h.sessions.size()) + " sessions\n\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-10s %4s %7s %7s %7s %11s %11s %6s %7s\n", "week", "n", "minutes", "rest HR",
                "RMSSD", "tension b>a", "pain b>a", "RF", "plan");
  out += line;
  for (auto const& w : h.weeks) {
    const std::string tension = fmt(w.tension_before, 1) + ">" + fmt(w.tension_after, 1);
    const std::string pain = fmt(w.pain_before, 1) + ">" + fmt(w.pain_after, 1);
    const std::string plan =
        w.planned_sessions ? std::to_string(w.main_sessions) + "/" + std::to_string(*w.planned_sessions) : "-";
    std::snprintf(line, sizeof line, "%-10s %4d %7.1f %7s %7s %11s %11s %6s %7s\n", w.week_start.c_str(), w.sessions,
                  w.minutes, fmt(w.rest_hr_bpm, 0).c_str(), fmt(w.rest_rmssd_ms, 0).c_str(), tension.c_str(),
                  pain.c_str(), fmt(w.rf_bpm, 1).c_str(), plan.c_str());
    out += line;
  }
  if (h.weeks.empty()) out += "(no sessions yet)\n";
  for (auto const& f : h.flags) out += "\n! " + f.text;
  if (!h.flags.empty()) out += "\n";
  return out;
}

std::string history_html(History const& h) {
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pneuma history</title><style>"
                  "body{font-family:\"DejaVu Sans\",Arial,sans-serif;color:#222;margin:24px auto;max-width:960px}"
                  "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #e4e4e4;text-align:right}"
                  "th{background:#f4f6f8}.flag{background:#fff4e5;border-left:4px solid #e67e22;padding:6px 10px;margin:6px 0}"
                  "figure.chart{margin:14px 0}figcaption{font-weight:bold}"
                  "@media print{body{margin:0;max-width:none}figure.chart,table{break-inside:avoid}}</style></head><body>\n";
  s += "<h1>Practice history: " + html_escape(h.profile) + "</h1>\n";
  for (auto const& f : h.flags)
    s += "<div class=\"flag\" data-kind=\"" + html_escape(f.kind) + "\">" + html_escape(f.text) + "</div>\n";
  s += "<table id=\"weeks\"><tr><th>week</th><th>sessions</th><th>minutes</th><th>rest HR</th><th>RMSSD</th>"
       "<th>tension before</th><th>after</th><th>pain before</th><th>after</th><th>RF</th><th>plan</th></tr>";
  for (auto const& w : h.weeks)
    s += "<tr><td>" + w.week_start + "</td><td>" + std::to_string(w.sessions) + "</td><td>" + fmt(w.minutes, 1) +
         "</td><td>" + fmt(w.rest_hr_bpm, 0) + "</td><td>" + fmt(w.rest_rmssd_ms, 0) + "</td><td>" +
         fmt(w.tension_before, 1) + "</td><td>" + fmt(w.tension_after, 1) + "</td><td>" + fmt(w.pain_before, 1) +
         "</td><td>" + fmt(w.pain_after, 1) + "</td><td>" + fmt(w.rf_bpm, 1) + "</td><td>" +
         (w.planned_sessions ? std::to_string(w.main_sessions) + "/" + std::to_string(*w.planned_sessions) : "-") +
         "</td></tr>";
  s += "</table>\n";
  // Charts against the week (1 = the first; every week between listed, so a break is a gap),
  // labelled with the Monday's date. Minutes are the table's numbers (one decimal in both).
  std::vector<std::pair<double, std::string>> ticks;
  for (std::size_t i = 0; i < h.weeks.size(); ++i)
    ticks.emplace_back(static_cast<double>(i + 1), short_date(h.weeks[i].week_start));
  auto series = [&](auto pick, std::string cls, std::string label, std::string color, bool dashed) {
    Series out;
    out.css_class = std::move(cls);
    out.label = std::move(label);
    out.color = std::move(color);
    out.dashed = dashed;
    out.points = true;
    out.gaps = true;
    for (std::size_t i = 0; i < h.weeks.size(); ++i) {
      const std::optional<double> v = pick(h.weeks[i]);
      out.x.push_back(static_cast<double>(i + 1));
      out.y.push_back(v ? *v : std::nan("")); // no value that week: the line breaks
    }
    return out;
  };
  s += svg_line_chart({"chart-minutes", "Minutes practised per week", "week starting", "minutes", 920, 220, 0.0, std::nullopt, {}, ticks},
                      {series([](WeekSummary const& w) { return std::optional<double>(w.minutes); }, "minutes",
                              "minutes", "#1f77b4", false)});
  s += svg_line_chart({"chart-rest", "Resting heart rate and RMSSD (first 2 min of each session)", "week starting", "", 920, 240,
                       std::nullopt, std::nullopt, {}, ticks},
                      {series([](WeekSummary const& w) { return w.rest_hr_bpm; }, "rest-hr", "rest HR (beats/min)",
                              "#d62728", false),
                       series([](WeekSummary const& w) { return w.rest_rmssd_ms; }, "rmssd", "RMSSD (ms)", "#2ca02c",
                              false)});
  s += svg_line_chart({"chart-ratings", "Tension and pain before (solid) and after (dashed, its own colour)", "week starting", "0-10", 920, 240,
                       0.0, 10.0, {}, ticks},
                      {series([](WeekSummary const& w) { return w.tension_before; }, "tension-before", "tension before",
                              "#9467bd", false),
                       series([](WeekSummary const& w) { return w.tension_after; }, "tension-after", "tension after",
                              "#17becf", true),
                       series([](WeekSummary const& w) { return w.pain_before; }, "pain-before", "pain before",
                              "#8c564b", false),
                       series([](WeekSummary const& w) { return w.pain_after; }, "pain-after", "pain after", "#bcbd22",
                              true)});
  s += "<h2>Resonance frequency</h2><table id=\"rf\"><tr><th>date</th><th>recommended</th><th>confidence</th></tr>";
  for (auto const& a : h.assessments)
    s += "<tr><td>" + html_escape(a.created_at) + "</td><td>" + fmt(a.recommended_bpm, 1) + "</td><td>" +
         fmt(a.confidence, 2) + "</td></tr>";
  s += "</table>\n</body></html>\n";
  return s;
}

} // namespace pneuma::app
