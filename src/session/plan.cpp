#include "session/plan.hpp"

#include <cmath>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <sys/stat.h>

namespace pneuma::app {
namespace {

using nlohmann::json;

std::invalid_argument bad(std::string const& field, std::string const& why) {
  return std::invalid_argument("plan: " + field + ": " + why);
}

double number_in(json const& j, std::string const& field, double lo, double hi) {
  if (!j.is_number()) throw bad(field, "expected a number");
  const double v = j.get<double>();
  if (!(v >= lo && v <= hi)) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "%g is out of range (%g to %g)", v, lo, hi);
    throw bad(field, buf);
  }
  return v;
}

std::optional<std::time_t> parse_date(std::string const& d) {
  std::tm t{};
  int y = 0, m = 0, day = 0;
  if (d.size() != 10 || std::sscanf(d.c_str(), "%4d-%2d-%2d", &y, &m, &day) != 3 || m < 1 || m > 12 || day < 1 ||
      day > 31)
    return std::nullopt;
  t.tm_year = y - 1900;
  t.tm_mon = m - 1;
  t.tm_mday = day;
  t.tm_hour = 12;
  return timegm(&t);
}

std::string add_days(std::string const& d, int n) {
  const auto t = parse_date(d);
  if (!t) return d;
  const std::time_t u = *t + static_cast<std::time_t>(n) * 86400;
  std::tm x{};
  gmtime_r(&u, &x);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &x);
  return buf;
}

} // namespace

std::string local_date_today() {
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  localtime_r(&now, &t);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &t);
  return buf;
}

std::string local_date_of(std::string const& iso_utc) {
  std::tm t{};
  if (std::sscanf(iso_utc.c_str(), "%d-%d-%dT%d:%d:%d", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min,
                  &t.tm_sec) != 6)
    return "";
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  const std::time_t u = timegm(&t);
  std::tm l{};
  localtime_r(&u, &l);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &l);
  return buf;
}

int days_between(std::string const& a, std::string const& b) {
  const auto ta = parse_date(a), tb = parse_date(b);
  if (!ta) throw std::invalid_argument("'" + a + "' is not a date (expected YYYY-MM-DD)");
  if (!tb) throw std::invalid_argument("'" + b + "' is not a date (expected YYYY-MM-DD)");
  return static_cast<int>(std::lround(static_cast<double>(*tb - *ta) / 86400.0));
}

int HomePlan::total_days() const {
  int d = 0;
  for (auto const& s : steps) d += s.days;
  return d;
}

HomePlan HomePlan::parse(std::string const& text) try {
  json j;
  try {
    j = json::parse(text);
  } catch (json::parse_error const& e) { // the position, not the library's own wording
    throw std::invalid_argument("plan: not valid JSON (or not UTF-8) near byte " + std::to_string(e.byte));
  } catch (json::out_of_range const&) { // "1e1111": a number no double holds
    throw std::invalid_argument("plan: a number is out of range");
  }
  if (!j.is_object()) throw bad("(top)", "expected a JSON object");
  static const std::vector<std::string> known = {"schema", "title", "profile", "start", "rate_bpm",
                                                 "fallback_rate_bpm", "ie", "sessions_per_day", "steps",
                                                 "micro_breaks", "notes"};
  for (auto const& [key, value] : j.items())
    if (std::find(known.begin(), known.end(), key) == known.end()) throw bad(key, "unknown field (see docs/plan-schema.md)");
  if (j.value("schema", std::string()) != "pneuma-plan/1")
    throw bad("schema", "expected \"pneuma-plan/1\"");
  HomePlan p;
  if (j.contains("title")) {
    if (!j["title"].is_string()) throw bad("title", "expected text");
    p.title = j["title"].get<std::string>();
  }
  if (j.contains("notes")) {
    if (!j["notes"].is_string()) throw bad("notes", "expected text");
    p.notes = j["notes"].get<std::string>();
  }
  if (j.contains("profile")) {
    if (!j["profile"].is_string() || j["profile"].get<std::string>().empty()) throw bad("profile", "expected a name");
    p.profile = j["profile"].get<std::string>();
  }
  if (j.contains("start")) {
    if (!j["start"].is_string() || !parse_date(j["start"].get<std::string>()))
      throw bad("start", "expected a date YYYY-MM-DD");
    p.start = j["start"].get<std::string>();
  }
  if (j.contains("rate_bpm")) {
    if (j["rate_bpm"].is_string()) {
      if (j["rate_bpm"] != "assessed") throw bad("rate_bpm", "expected a number or \"assessed\"");
    } else {
      p.rate_bpm = number_in(j["rate_bpm"], "rate_bpm", PacerSettings::kMinRate, PacerSettings::kMaxRate);
    }
  }
  if (j.contains("fallback_rate_bpm"))
    p.fallback_rate_bpm = number_in(j["fallback_rate_bpm"], "fallback_rate_bpm", PacerSettings::kMinRate,
                                    PacerSettings::kMaxRate);
  if (j.contains("ie")) {
    if (!j["ie"].is_string()) throw bad("ie", "expected text like \"4:6\"");
    std::tie(p.inhale_parts, p.exhale_parts) = PacerSettings::parse_ratio(j["ie"].get<std::string>());
  }
  if (j.contains("sessions_per_day"))
    p.sessions_per_day = static_cast<int>(number_in(j["sessions_per_day"], "sessions_per_day", 1, 6));
  if (!j.contains("steps") || !j["steps"].is_array() || j["steps"].empty())
    throw bad("steps", "expected a list of {\"days\": N, \"minutes\": M}");
  for (std::size_t i = 0; i < j["steps"].size(); ++i) {
    auto const& s = j["steps"][i];
    const std::string at = "steps[" + std::to_string(i) + "]";
    if (!s.is_object()) throw bad(at, "expected {\"days\": N, \"minutes\": M}");
    PlanStep step;
    if (s.contains("days")) step.days = static_cast<int>(number_in(s["days"], at + ".days", 1, 365));
    if (!s.contains("minutes")) throw bad(at + ".minutes", "missing");
    step.minutes = number_in(s["minutes"], at + ".minutes", 1, 120);
    p.steps.push_back(step);
  }
  if (j.contains("micro_breaks")) {
    auto const& m = j["micro_breaks"];
    if (!m.is_object()) throw bad("micro_breaks", "expected {\"per_day\": N, \"minutes\": M}");
    if (m.contains("per_day")) p.micro_per_day = static_cast<int>(number_in(m["per_day"], "micro_breaks.per_day", 0, 12));
    if (m.contains("minutes")) p.micro_minutes = number_in(m["minutes"], "micro_breaks.minutes", 1, 3);
  }
  return p;
} catch (json::exception const&) {
  // A type or range the library refuses deep in a value (a number too large for a double, a
  // string where a number belongs): one line, not the library's own wording.
  throw std::invalid_argument("plan: a value has the wrong type or is out of range (see docs/plan-schema.md)");
}

std::string HomePlan::read_text(std::string const& path) {
  // A plan is a few hundred bytes: read at most kMaxPlanBytes, and say what the path is when it
  // is not a plan file at all (a directory, a device) rather than what the stream library says.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw std::invalid_argument(path + ": cannot read the plan (" + std::strerror(errno) + ")");
  if (S_ISDIR(st.st_mode)) throw std::invalid_argument(path + ": is a directory, not a plan file");
  if (!S_ISREG(st.st_mode)) throw std::invalid_argument(path + ": is not a regular file");
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxPlanBytes)
    throw std::invalid_argument(path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                                std::to_string(kMaxPlanBytes) + " a plan may have");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument(path + ": cannot read the plan");
  std::string text(static_cast<std::size_t>(kMaxPlanBytes) + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxPlanBytes) throw std::invalid_argument(path + ": larger than a plan may be");
  return text;
}

HomePlan HomePlan::load(std::string const& path) {
  const std::string text = read_text(path);
  try {
    return parse(text);
  } catch (std::invalid_argument const& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

PlannedSession next_planned_session(Store& store, Profile const& profile, HomePlan const& plan,
                                    std::string const& plan_json, std::string const& source_path,
                                    std::string const& today) {
  PlannedSession out;
  auto row = store.plan_for(profile.id, plan_json);
  if (!row) {
    PlanRow r;
    r.profile_id = profile.id;
    r.started_on = plan.start.value_or(today);
    r.plan_json = plan_json;
    r.source_path = source_path;
    r.id = store.add_plan(r);
    row = r;
  }
  out.plan_id = row->id;
  out.day = days_between(row->started_on, today);
  if (out.day < 0) throw std::invalid_argument("the plan starts on " + row->started_on);
  const PlanStep* step = &plan.steps.back();
  int first_day = 0;
  for (auto const& s : plan.steps) {
    if (out.day < first_day + s.days) {
      step = &s;
      break;
    }
    first_day += s.days;
  }
  int main_done = 0, micro_done = 0;
  for (auto const& s : store.sessions(profile.id)) {
    if (!s.plan_id || *s.plan_id != row->id || local_date_of(s.started_at) != today) continue;
    if (s.status != "complete" && s.status != "interrupted") continue;
    (s.kind == "microbreak" ? micro_done : main_done) += 1;
  }
  out.main_done = main_done;
  out.micro_done = micro_done;
  out.pacer.inhale_parts = plan.inhale_parts;
  out.pacer.exhale_parts = plan.exhale_parts;
  std::string rate_from;
  if (plan.rate_bpm) {
    out.pacer.rate_bpm = *plan.rate_bpm;
    rate_from = "the plan's rate";
  } else if (profile.rf_bpm) {
    out.pacer.rate_bpm = *profile.rf_bpm;
    rate_from = "the assessed resonance frequency";
  } else {
    out.pacer.rate_bpm = plan.fallback_rate_bpm;
    rate_from = "the plan's fallback rate (no assessment yet)";
  }
  char msg[256];
  if (main_done < plan.sessions_per_day) {
    out.kind = "run";
    out.minutes = step->minutes;
    std::snprintf(msg, sizeof msg, "plan day %d: session %d of %d today, %.0f min at %.1f/min (%s)", out.day + 1,
                  main_done + 1, plan.sessions_per_day, out.minutes, out.pacer.rate_bpm, rate_from.c_str());
  } else if (micro_done < plan.micro_per_day) {
    out.kind = "microbreak";
    out.minutes = plan.micro_minutes;
    std::snprintf(msg, sizeof msg, "plan day %d: micro-break %d of %d today, %.0f min at %.1f/min", out.day + 1,
                  micro_done + 1, plan.micro_per_day, out.minutes, out.pacer.rate_bpm);
  } else {
    out.kind = "run";
    out.minutes = step->minutes;
    std::snprintf(msg, sizeof msg, "plan day %d: today's sessions are done; an extra %.0f min session", out.day + 1,
                  out.minutes);
  }
  out.message = msg;
  if (out.day >= plan.total_days()) out.message += " (the plan's last step continues after its end)";
  return out;
}

std::vector<PlanInUse> plans_of(Store& store, std::int64_t profile_id) {
  std::vector<PlanInUse> out;
  for (auto const& row : store.plans(profile_id)) {
    try {
      out.push_back({row, HomePlan::parse(row.plan_json)});
    } catch (std::exception const&) { // a plan this version cannot read is not counted
    }
  }
  return out;
}

std::optional<double> planned_sessions_in_week(std::vector<PlanInUse> const& plans, std::string const& week_start) {
  if (plans.empty()) return std::nullopt;
  double planned = 0;
  bool any = false;
  for (int d = 0; d < 7; ++d) {
    const std::string day = add_days(week_start, d);
    // The newest plan started by that day rules it.
    PlanInUse const* active = nullptr;
    for (auto const& p : plans)
      if (days_between(p.row.started_on, day) >= 0) active = &p;
    if (active == nullptr) continue;
    any = true;
    planned += active->plan.sessions_per_day;
  }
  if (!any) return std::nullopt;
  return planned;
}

} // namespace pneuma::app
