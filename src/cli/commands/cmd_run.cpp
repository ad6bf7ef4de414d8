// pneuma run: a training session (window, or headless JSON lines).
#include <atomic>
#include <boost/program_options.hpp>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "live/headless.hpp"
#include "session/headless_session.hpp"
#include "pacer/pacer_presets.hpp"
#include "live/pipeline.hpp"
#include "session/session_flow.hpp"
#include "store/store.hpp"
#include "live/source_factory.hpp"
#include "session/recordings.hpp"
#include "cli/session_options.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"
#include "pneuma/drivers/clock.hpp"
#include "ui/trainer_window.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted.store(true); }

po::options_description run_options() {
  po::options_description o("pneuma run [options]");
  o.add_options()("help,h", "show this help")(
      "source,s", po::value<std::vector<std::string>>()->composing(),
      "input source, repeatable (default: the settings file's, else sim); see pneuma --help")(
      "rate,r", po::value<double>()->default_value(6.0, "6"), "pacer rate, breaths/min (3-12, 0.1 steps)")(
      "ie", po::value<std::string>()->default_value("1:1.5"), "inhale:exhale ratio")(
      "inhale", po::value<double>(), "inhale seconds (with --exhale: sets the rate and ratio)")(
      "exhale", po::value<double>(), "exhale seconds (with --inhale)")(
      "hold-in", po::value<double>()->default_value(0.0, "0"), "pause after inhale, s (0-10)")(
      "hold-out", po::value<double>()->default_value(0.0, "0"), "pause after exhale, s (0-10)")(
      "preset", po::value<std::string>(),
      "coherent (5-0-5-0), relax (4-0-6-0), resonance (your assessed rate), or seconds "
      "inhale-hold-exhale-hold like 4-2-6-0")(
      "glide", po::value<double>(), "measure your own breathing rate first (the baseline, 30 s unless "
                                    "--baseline), then glide from it down to the pacer rate over this "
                                    "many minutes")(
      "minutes,m", po::value<double>()->default_value(10.0, "10"), "training length, minutes")(
      "baseline", po::value<double>()->default_value(0.0, "0"),
      "minutes of free breathing (no pacer) measured before training")(
      "ratings", "ask for tension and pain (0-10) before and after")(
      "score", po::value<std::string>()->default_value("coherence"), "main score: coherence, rsa or rmssd")(
      "shape", po::value<std::string>()->default_value("circle"), "pacer shape: circle, bar or wave")(
      "cue", po::value<std::string>()->default_value("tone"), "sound: tone (rises and falls) or chimes")(
      "volume", po::value<double>()->default_value(0.5, "0.5"), "sound volume 0-1")(
      "mute", "start with the sound muted")("no-sound", "do not open an audio device")(
      "fullscreen", "fullscreen window")(
      "window", po::value<std::string>(), "initial window size, WIDTHxHEIGHT (default 1280x720)")(
      "clinician", "two windows: a large minimal one for the patient and one for the clinician")(
      "display", po::value<int>(), "clinician mode: the patient's display (0, 1, ...)")(
      "fps", po::value<int>(), "frame cap, 30-144 (default 60; 30 with the software renderer)")(
      "screenshot", po::value<std::string>(), "save the window as BMP and close (at --screenshot-at, "
                                              "or when the summary shows)")(
      "screenshot-at", po::value<double>(), "session second to take the screenshot at")(
      "headless", "no window: print one JSON object per second of session time")(
      "speed", po::value<double>()->default_value(1.0, "1"),
      "run the simulated/replayed clock this many times faster than real time");
  add_session_options(o);
  return o;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

double in_range(po::variables_map const& vm, const char* name, double lo, double hi) {
  const double v = vm[name].as<double>();
  if (!(v >= lo && v <= hi))
    throw std::invalid_argument("--" + std::string(name) + " " + fmt(v) + ": expected " + fmt(lo) + " to " + fmt(hi));
  return v;
}

/// The window's rating screens, for the store.
WindowResults window_results(ui::WindowReport const& report) {
  WindowResults r;
  auto rating = [](app::SelfRating const& s) -> std::optional<app::Rating> {
    if (s.tension < 0 && s.pain < 0) return std::nullopt;
    app::Rating out;
    if (s.tension >= 0) out.tension = s.tension;
    if (s.pain >= 0) out.pain = s.pain;
    return out;
  };
  r.before = rating(report.summary.before);
  r.after = rating(report.summary.after);
  // Markers are not copied: the window already wrote each one into the recording as it was made.
  return r;
}

int run_main(std::vector<std::string> const& args) {
  const auto options = run_options();
  po::variables_map vm;
  if (auto exit = parse_command_line("run", args, options, vm)) return *exit;

  install_resonance_provider(vm); // the "resonance" preset reads the profile's assessed rate
  app::PipelineConfig config;
  ui::WindowOptions window;
  double minutes = vm["minutes"].as<double>();
  double speed = vm["speed"].as<double>();
  try {
    if (!(minutes > 0 && minutes <= 24 * 60))
      return usage_error("run", "--minutes " + std::to_string(minutes) + ": expected 0 to 1440");
    if (!(speed >= 0.1 && speed <= 10000))
      return usage_error("run", "--speed: expected a factor from 0.1 to 10000");
    // Pacer: a preset first, then explicit options on top of it.
    app::PacerSettings pacer;
    if (vm.count("preset")) {
      // "resonance": the profile's assessed resonance frequency, from the session store.
      if (vm.count("no-store") == 0)
        app::set_resonance_provider([name = profile_name(vm)]() -> std::optional<double> {
          try {
            app::Store store;
            if (auto profile = store.find_profile(name)) return profile->rf_bpm;
          } catch (std::exception const&) {
            // No store yet, or it cannot be opened: no assessment known.
          }
          return std::nullopt;
        });
      pacer = app::preset_settings(vm["preset"].as<std::string>());
    }
    if (!vm["rate"].defaulted() || !vm.count("preset")) pacer.rate_bpm = vm["rate"].as<double>();
    if (!vm["ie"].defaulted() || !vm.count("preset"))
      std::tie(pacer.inhale_parts, pacer.exhale_parts) = app::PacerSettings::parse_ratio(vm["ie"].as<std::string>());
    if (!vm["hold-in"].defaulted() || !vm.count("preset")) pacer.hold_in_s = vm["hold-in"].as<double>();
    if (!vm["hold-out"].defaulted() || !vm.count("preset")) pacer.hold_out_s = vm["hold-out"].as<double>();
    if (vm.count("inhale") != vm.count("exhale"))
      return usage_error("run", "--inhale and --exhale go together (seconds of each)");
    if (vm.count("inhale")) {
      if (!vm["rate"].defaulted() || !vm["ie"].defaulted())
        return usage_error("run", "--inhale/--exhale set the rate and ratio: leave out --rate and --ie");
      pacer = app::PacerSettings::from_seconds(vm["inhale"].as<double>(), pacer.hold_in_s,
                                               vm["exhale"].as<double>(), pacer.hold_out_s);
    }
    pacer.validate();
    if (std::abs(pacer.rate_bpm * 10 - std::round(pacer.rate_bpm * 10)) > 1e-6 && !vm.count("inhale") &&
        !vm.count("preset"))
      return usage_error("run", "--rate " + fmt(pacer.rate_bpm) + ": use steps of 0.1 breaths/min");
    config.pacer = pacer;

    window.setup.pacer = pacer;
    window.setup.flow.training_s = minutes * 60.0;
    window.setup.flow.baseline_s = in_range(vm, "baseline", 0, 30) * 60.0;
    window.setup.flow.ratings = vm.count("ratings") > 0;
    if (window.setup.flow.ratings && vm.count("headless"))
      return usage_error("run", "--ratings asks on screen: with --headless give --before tension=N,pain=N "
                                "and rate afterwards with `pneuma rate`");
    const auto settings = effective_settings(vm); // the settings file, flags on top
    window.setup.flow.score = app::parse_score_kind(settings.score.value);
    window.setup.shape = ui::parse_shape(settings.shape.value);
    window.setup.volume = in_range(vm, "volume", 0, 1);
    if (settings.volume.origin == settings::Origin::file) window.setup.volume = settings.volume.value;
    window.setup.muted = vm.count("mute") > 0;
    window.setup.fullscreen = vm.count("fullscreen") > 0;
    if (vm.count("glide")) {
      window.setup.glide_s = in_range(vm, "glide", 0.5, 30) * 60.0;
      // The glide starts from the person's own rate: measure it first.
      if (window.setup.flow.baseline_s <= 0) window.setup.flow.baseline_s = 30.0;
    }
    const std::string cue = settings.cue.value;
    if (cue != "tone" && cue != "chimes")
      return usage_error("run", "--cue '" + cue + "': expected tone or chimes");
    window.cue = cue == "tone" ? app::CueStyle::tone : app::CueStyle::chimes;
    window.audio = vm.count("no-sound") == 0;
    window.clinician = vm.count("clinician") > 0;
    if (vm.count("display")) {
      window.display = vm["display"].as<int>();
      if (window.display < 0 || window.display > 15)
        return usage_error("run", "--display: expected a display number 0 to 15");
    }
    if (vm.count("fps")) {
      window.fps = vm["fps"].as<int>();
      if (window.fps < 30 || window.fps > 144) return usage_error("run", "--fps: expected 30 to 144");
    }
    if (vm.count("window")) {
      const std::string size = vm["window"].as<std::string>();
      int w = 0, h = 0;
      char tail = 0;
      if (std::sscanf(size.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 480 || h < 320 || w > 8192 || h > 8192)
        return usage_error("run", "--window '" + size + "': expected WIDTHxHEIGHT, at least 480x320");
      window.width = w;
      window.height = h;
    }
    if (vm.count("screenshot")) window.screenshot = vm["screenshot"].as<std::string>();
    if (vm.count("screenshot-at")) window.screenshot_at_s = in_range(vm, "screenshot-at", 0, 24 * 3600);

    std::vector<std::string> sources{settings.source.value};
    if (vm.count("source")) sources = vm["source"].as<std::vector<std::string>>();
    for (auto const& s : sources) config.sources.push_back(drivers::SourceSpec::parse(s));
    for (auto const& line : app::repair_interrupted_replays(config.sources)) std::cerr << "pneuma run: " << line << "\n";
    speed *= app::replay_speed(config.sources); // replay:FILE?speed=N runs the session clock N x
    if (vm["minutes"].defaulted())               // a replay lasts as long as its file
      if (auto d = app::replay_duration_s(config.sources)) minutes = std::max(1.0, std::ceil(*d)) / 60.0;
    window.setup.flow.training_s = minutes * 60.0;
  } catch (std::invalid_argument const& e) {
    return usage_error("run", e.what());
  }

  SessionPlan session_plan;
  try {
    session_plan = plan_session(vm, "run", config, minutes);
  } catch (std::invalid_argument const& e) {
    return usage_error("run", e.what());
  }
  for (auto const& line : session_plan.messages) std::cerr << "pneuma run: " << line << "\n";
  window.setup.pacer = config.pacer; // a home plan or the profile's assessed rate may have set them
  window.plan_notes = session_plan.plan_notes;
  window.setup.flow.training_s = minutes * 60.0;

  drivers::SessionClock clock(speed);
  std::unique_ptr<app::Pipeline> pipeline;
  try {
    pipeline = std::make_unique<app::Pipeline>(config, clock);
  } catch (std::invalid_argument const& e) {
    return usage_error("run", e.what());
  }
  auto session = open_session(session_plan, *pipeline, config); // throws: runtime failure
  clock.restart(); // set-up (files loaded, store opened) is not session time
  session->start();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  if (!vm.count("headless")) {
    std::string why;
    ui::WindowReport report;
    const auto outcome = ui::run_trainer_window(*pipeline, window, g_interrupted, why, &report);
    if (outcome != ui::WindowOutcome::no_display) {
      if (!report.audio_note.empty() && window.audio) std::cerr << "pneuma run: " << report.audio_note << "\n";
      std::cout << app::summary_json(report.summary, report.markers) << std::endl;
      return close_session(session, outcome == ui::WindowOutcome::finished ? minutes * 60 : -1,
                           outcome == ui::WindowOutcome::finished, std::cerr, "run", window_results(report));
    }
    std::cerr << "pneuma run: " << why << "; running headless (one JSON line per second)\n";
    if (window.setup.flow.ratings)
      std::cerr << "pneuma run: no window to ask the ratings on: rate afterwards with `pneuma rate`\n";
    window.setup.flow.ratings = false;
  }
  // The same flow as the window's: baseline (pacer still), training with the glide, the summary.
  app::HeadlessSession driver({window.setup.pacer, window.setup.flow, window.setup.glide_s});
  app::run_headless(*pipeline, driver, std::cout, g_interrupted, std::cerr);
  const bool completed = !g_interrupted.load();
  if (!completed) driver.end(clock.now_s());
  std::cout << app::summary_json(driver.flow().summary(), driver.flow().markers()) << std::endl;
  // The recording holds the baseline too: it ends after baseline and training.
  const double end_s = window.setup.flow.baseline_s + minutes * 60;
  return close_session(session, completed ? end_s : -1, completed, std::cerr, "run");
}

const Registration kRun({"run", "run a breathing session (window, or --headless JSON lines)", &run_main, 10});

} // namespace
} // namespace pneuma::cli
