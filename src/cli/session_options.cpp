#include "cli/session_options.hpp"

#include <charconv>
#include <csignal>
#include <fstream>
#include <iterator>
#include <cmath>
#include <ostream>

#include "pacer/pacer_presets.hpp"
#include "session/plan.hpp"
#include "session/recordings.hpp"
#include "live/source_factory.hpp"
#include "pneuma/drivers/link/link_factory.hpp"
#include "cli/command.hpp"

namespace pneuma::cli {
namespace po = boost::program_options;

void add_session_options(po::options_description& o) {
  o.add_options()("record", po::value<std::string>(),
                  "record the session to this EDF+ file (default: into the session store)")(
      "no-record", "do not record the signals (the session is still listed in the store)")(
      "force", "--record may replace an existing file (never a replay source or an interrupted recording)")(
      "no-store", "do not use the session store (nothing listed, no profile)")(
      "profile", po::value<std::string>()->default_value(app::Store::kDefaultProfile),
      "whose session this is: 'default' (home use) or a patient's name (created when new)")(
      "before", po::value<std::string>(),
      "self-rating before the session, e.g. tension=6,pain=3 (0-10 each)")(
      "plan", po::value<std::string>(),
      "follow a clinician's home plan (JSON, docs/plan-schema.md): today's duration and rate");
}

settings::Settings effective_settings(po::variables_map const& vm) {
  auto s = settings::load_settings();
  auto given = [&](char const* name) { return vm.count(name) > 0 && !vm[name].defaulted(); };
  auto text = [&](char const* name, settings::Setting<std::string>& setting) {
    if (given(name)) setting.set_from_command_line(vm[name].as<std::string>(), std::string("--") + name);
  };
  if (given("source")) {
    std::string joined;
    for (auto const& src : vm["source"].as<std::vector<std::string>>()) joined += (joined.empty() ? "" : " ") + src;
    s.source.set_from_command_line(joined, "--source");
  }
  text("shape", s.shape);
  text("score", s.score);
  text("cue", s.cue);
  text("profile", s.profile);
  if (given("volume")) s.volume.set_from_command_line(vm["volume"].as<double>(), "--volume");
  return s;
}

std::string profile_name(po::variables_map const& vm) {
  if (vm.count("profile") && !vm["profile"].defaulted()) return vm["profile"].as<std::string>();
  return settings::load_settings().profile.value;
}

app::Rating parse_rating(std::string const& text) {
  app::Rating r;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto end = std::min(text.find(',', at), text.size());
    const std::string pair = text.substr(at, end - at);
    at = end + 1;
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string key = pair.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    if (key == "note") {
      r.note = value;
      if (end == text.size()) break;
      continue;
    }
    double v = 0;
    const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (eq == std::string::npos || ec != std::errc{} || p != value.data() + value.size() ||
        !(v >= 0 && v <= 10) || (key != "tension" && key != "pain"))
      throw std::invalid_argument("rating '" + pair +
                                  "': expected tension=N and/or pain=N with N from 0 to 10");
    (key == "tension" ? r.tension : r.pain) = v;
    if (end == text.size()) break;
  }
  if (!r.tension && !r.pain) throw std::invalid_argument("rating '" + text + "': give tension=N and/or pain=N");
  return r;
}

SessionPlan plan_session(po::variables_map const& vm, std::string const& kind,
                         app::PipelineConfig& config, double& minutes) {
  SessionPlan plan;
  auto& s = plan.setup;
  s.kind = kind;
  s.profile = profile_name(vm);
  if (s.profile.empty() || s.profile.size() > 60)
    throw std::invalid_argument("--profile: expected a name of 1 to 60 characters");
  if (vm.count("record")) s.record_path = vm["record"].as<std::string>();
  if (vm.count("no-record") && vm.count("record"))
    throw std::invalid_argument("--record and --no-record exclude each other");
  s.record = vm.count("no-record") == 0;
  s.force = vm.count("force") > 0;
  for (auto const& src : config.sources)
    if (src.kind == "replay") s.inputs.emplace_back(src.target);
  if (s.record_path) app::check_record_target(*s.record_path, s.force, s.inputs); // before anything starts
  if (vm.count("before")) s.before = parse_rating(vm["before"].as<std::string>());
  for (auto const& src : config.sources) {
    if (!s.source_text.empty()) s.source_text += " ";
    s.source_text += src.kind + (src.target.empty() ? "" : ":" + src.target);
  }
  std::optional<app::HomePlan> home_plan;
  std::string plan_text;
  if (vm.count("plan")) {
    if (vm.count("no-store")) throw std::invalid_argument("--plan needs the session store (drop --no-store)");
    const std::string path = vm["plan"].as<std::string>();
    plan_text = app::HomePlan::read_text(path); // bounded; names a directory or a device
    try {
      home_plan = app::HomePlan::parse(plan_text);
    } catch (std::invalid_argument const& e) {
      throw std::invalid_argument(path + ": " + e.what());
    }
    if (home_plan->profile) {
      if (!vm["profile"].defaulted() && s.profile != *home_plan->profile)
        throw std::invalid_argument("--profile " + s.profile + " differs from the plan's profile '" +
                                    *home_plan->profile + "'");
      s.profile = *home_plan->profile;
    }
  }
  if (vm.count("no-store") == 0) {
    plan.store = std::make_shared<app::Store>();
    for (auto const& m : app::recover_interrupted_sessions(*plan.store)) plan.messages.push_back(m);
    const auto profile = plan.store->find_profile(s.profile);
    // A pace chosen on the command line (--rate, a --preset, --inhale/--exhale) wins over the profile's.
    const bool rate_given = (vm.count("rate") && !vm["rate"].defaulted()) || vm.count("preset") ||
                            vm.count("inhale");
    if (kind == "run" && !rate_given && !home_plan && profile && profile->rf_bpm) {
      config.pacer.rate_bpm = *profile->rf_bpm;
      char line[160];
      std::snprintf(line, sizeof line,
                    "pacing at %.1f/min, %s's resonance frequency (assessed %s, confidence %.2f)",
                    *profile->rf_bpm, s.profile.c_str(), profile->rf_assessed_at.c_str(),
                    profile->rf_confidence.value_or(0));
      plan.messages.push_back(line);
    }
    if (home_plan) {
      const auto who = plan.store->ensure_profile(s.profile);
      const auto due = app::next_planned_session(*plan.store, who, *home_plan, plan_text,
                                                 vm["plan"].as<std::string>(), app::local_date_today());
      s.kind = due.kind;
      s.plan_id = due.plan_id;
      if (!vm.count("minutes") || vm["minutes"].defaulted()) minutes = due.minutes;
      if (!vm.count("rate") || vm["rate"].defaulted()) config.pacer.rate_bpm = due.pacer.rate_bpm;
      if (!vm.count("ie") || vm["ie"].defaulted()) {
        config.pacer.inhale_parts = due.pacer.inhale_parts;
        config.pacer.exhale_parts = due.pacer.exhale_parts;
      }
      plan.messages.push_back(due.message);
      plan.plan_notes = home_plan->notes;
    }
  } else if (!s.record_path) {
    s.record = false; // nowhere to put it
  }
  char note[80];
  std::snprintf(note, sizeof note, "%s %.2f/min %g:%g %.0f min", kind.c_str(), config.pacer.rate_bpm,
                config.pacer.inhale_parts, config.pacer.exhale_parts, minutes);
  s.note = note;
  s.planned_minutes = minutes;
  config.tap_samples = s.record;
  return plan;
}

std::unique_ptr<app::RecordedSession> open_session(SessionPlan const& plan, app::Pipeline& pipeline,
                                                   app::PipelineConfig const& config) {
  // A file-size limit must fail a write (EFBIG, handled like a full disk), not kill the session.
  std::signal(SIGXFSZ, SIG_IGN);
  double belt_hz = 0;
  for (auto const& src : config.sources)
    if (src.kind == "sim" || src.kind == "replay" || src.kind == "serial") {
      belt_hz = app::nominal_resp_hz(src);
      break;
    }
  // A Polar strap's ECG and ACC start seconds after its heart rate (a START given up after 5 s):
  // the recording's layout waits for them up to 8 s.
  double strap_wait_s = 0;
  for (auto const& src : config.sources)
    if (src.kind == "ble" || (drivers::is_link_source(src) && src.option("protocol").value_or("bridge") == "bridge"))
      strap_wait_s = 8;
  return std::make_unique<app::RecordedSession>(plan.setup, plan.store.get(), pipeline, belt_hz, strap_wait_s);
}

void install_resonance_provider(po::variables_map const& vm) {
  const std::string profile = profile_name(vm);
  const bool no_store = vm.count("no-store") > 0;
  app::set_resonance_provider([profile, no_store]() -> std::optional<double> {
    if (no_store) return std::nullopt;
    try {
      app::Store store;
      if (auto p = store.find_profile(profile)) return p->rf_bpm;
    } catch (app::StoreError const&) { // no store, no assessment: the preset says how to get one
    }
    return std::nullopt;
  });
}

int close_session(std::unique_ptr<app::RecordedSession>& session, double end_s, bool completed,
                  std::ostream& err, std::string const& command, WindowResults const& window) {
  if (!session) return kExitOk;
  for (auto const& [t, note] : window.markers) session->add_marker(t, note);
  if (window.before) session->set_rating("before", *window.before);
  if (window.after) session->set_rating("after", *window.after);
  const auto outcome = session->finish(end_s, completed);
  for (auto const& m : outcome.messages) err << "pneuma " << command << ": " << m << "\n";
  std::string saved;
  if (outcome.session_id) saved = "session " + std::to_string(*outcome.session_id);
  if (outcome.record && outcome.record->ok)
    saved += (saved.empty() ? "recording " : ", recording ") + outcome.record->path.string();
  if (!saved.empty()) err << "pneuma " << command << ": saved " << saved << "\n";
  session.reset();
  return outcome.record && !outcome.record->ok ? kExitFailure : kExitOk;
}

} // namespace pneuma::cli
