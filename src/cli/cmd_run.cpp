// pneuma run: a training session (window, or headless JSON lines).
#include <atomic>
#include <boost/program_options.hpp>
#include <cmath>
#include <csignal>
#include <iostream>

#include "app/headless.hpp"
#include "app/pipeline.hpp"
#include "app/source_factory.hpp"
#include "cli/session_options.hpp"
#include "cli/command.hpp"
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
      "input source, repeatable (default sim); see pneuma --help")(
      "rate,r", po::value<double>()->default_value(6.0, "6"), "pacer rate, breaths/min (3-12)")(
      "ie", po::value<std::string>()->default_value("1:1.5"), "inhale:exhale ratio")(
      "hold-in", po::value<double>()->default_value(0.0, "0"), "pause after inhale, s (0-10)")(
      "hold-out", po::value<double>()->default_value(0.0, "0"), "pause after exhale, s (0-10)")(
      "minutes,m", po::value<double>()->default_value(10.0, "10"), "session length, minutes")(
      "fullscreen", "fullscreen window")(
      "headless", "no window: print one JSON object per second of session time")(
      "speed", po::value<double>()->default_value(1.0, "1"),
      "run the simulated/replayed clock this many times faster than real time");
  add_session_options(o);
  return o;
}

int run_main(std::vector<std::string> const& args) {
  const auto options = run_options();
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (po::error const& e) {
    return usage_error("run", e.what());
  }
  if (vm.count("help")) {
    std::cout << options << "\n";
    return kExitOk;
  }

  app::PipelineConfig config;
  double minutes = vm["minutes"].as<double>();
  double speed = vm["speed"].as<double>();
  try {
    if (!(minutes > 0 && minutes <= 24 * 60))
      return usage_error("run", "--minutes " + std::to_string(minutes) + ": expected 0 to 1440");
    if (!(speed >= 0.1 && speed <= 10000))
      return usage_error("run", "--speed: expected a factor from 0.1 to 10000");
    config.pacer.rate_bpm = vm["rate"].as<double>();
    std::tie(config.pacer.inhale_parts, config.pacer.exhale_parts) =
        app::PacerSettings::parse_ratio(vm["ie"].as<std::string>());
    config.pacer.hold_in_s = vm["hold-in"].as<double>();
    config.pacer.hold_out_s = vm["hold-out"].as<double>();
    config.pacer.validate();
    std::vector<std::string> sources{"sim"};
    if (vm.count("source")) sources = vm["source"].as<std::vector<std::string>>();
    for (auto const& s : sources) config.sources.push_back(drivers::SourceSpec::parse(s));
    speed *= app::replay_speed(config.sources); // replay:FILE?speed=N runs the session clock N x
    if (vm["minutes"].defaulted())               // a replay lasts as long as its file
      if (auto d = app::replay_duration_s(config.sources)) minutes = std::max(1.0, std::ceil(*d)) / 60.0;
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

  drivers::SessionClock clock(speed);
  std::unique_ptr<app::Pipeline> pipeline;
  try {
    pipeline = std::make_unique<app::Pipeline>(config, clock);
  } catch (std::invalid_argument const& e) {
    return usage_error("run", e.what());
  }
  auto session = open_session(session_plan, *pipeline, config); // throws: runtime failure
  session->start();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  if (!vm.count("headless")) {
    std::string why;
    const auto outcome = ui::run_trainer_window(
        *pipeline, ui::WindowOptions{vm.count("fullscreen") > 0, minutes}, g_interrupted, why);
    if (outcome != ui::WindowOutcome::no_display)
      return close_session(session, outcome == ui::WindowOutcome::finished ? minutes * 60 : -1,
                                outcome == ui::WindowOutcome::finished, std::cerr, "run");
    std::cerr << "pneuma run: " << why << "; running headless (one JSON line per second)\n";
  }
  app::run_headless(*pipeline, minutes, std::cout, g_interrupted);
  const bool completed = !g_interrupted.load();
  return close_session(session, completed ? minutes * 60 : -1, completed, std::cerr, "run");
}

const Registration kRun({"run", "run a breathing session (window, or --headless JSON lines)", &run_main, 10});

} // namespace
} // namespace pneuma::cli
