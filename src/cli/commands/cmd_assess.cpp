// pneuma assess: resonance-frequency assessment (stepped paced breathing, Shaffer & Meehan criteria).
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <csignal>
#include <iostream>
#include <sstream>
#include <thread>

#include "session/assess.hpp"
#include "live/headless.hpp"
#include "live/pipeline.hpp"
#include "session/record_session.hpp"
#include "session/recordings.hpp"
#include "live/source_factory.hpp"
#include "cli/command.hpp"
#include "cli/session_options.hpp"
#include "pneuma/drivers/clock.hpp"
#include "ui/trainer_window.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

std::atomic<bool> g_stop{false};
extern "C" void on_assess_signal(int) { g_stop.store(true); }

std::vector<double> parse_rates(std::string const& text) {
  std::vector<double> rates;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    try {
      std::size_t used = 0;
      rates.push_back(std::stod(part, &used));
      if (used != part.size()) throw std::invalid_argument("");
    } catch (std::exception const&) {
      throw std::invalid_argument("--rates '" + text + "': expected numbers like 6.5,6,5.5");
    }
  }
  return rates;
}

void print_table(app::AssessResult const& r, std::ostream& out) {
  char line[200];
  std::snprintf(line, sizeof line, "%6s %6s %8s %6s %7s %9s %8s %6s %5s %6s  %s\n", "rate", "breath", "artifact",
                "phase", "HR p2t", "LF ms2", "LF peak", "smooth", "peaks", "score", "");
  out << line;
  for (auto const& s : r.steps) {
    auto f = [](std::optional<double> v, int d) {
      const double x = v.value_or(std::nan(""));
      if (std::isnan(x)) return std::string("-");
      char b[32];
      std::snprintf(b, sizeof b, "%.*f", d, x);
      return std::string(b);
    };
    const double peaks = s.stats.lf_peaks ? *s.stats.lf_peaks : std::nan("");
    std::snprintf(line, sizeof line, "%6.1f %6s %7s%% %6s %7s %9s %8s %6s %5s %6s  %s\n", s.rate_bpm,
                  f(s.stats.breathing_bpm, 2).c_str(), f(s.stats.artifact_pct, 1).c_str(), f(s.stats.phase_deg, 0).c_str(),
                  f(s.stats.p2t_bpm, 1).c_str(), f(s.stats.lf_ms2, 0).c_str(), f(s.stats.lf_peak_ms2_hz, 0).c_str(),
                  f(s.stats.smoothness, 2).c_str(), f(std::isnan(peaks) ? std::optional<double>() : std::optional<double>(peaks), 0).c_str(),
                  f(s.score, 2).c_str(), s.valid ? (r.recommended_bpm && *r.recommended_bpm == s.rate_bpm ? "<- best" : "")
                                                  : ("rejected: " + s.reason).c_str());
    out << line;
  }
  if (r.recommended_bpm) {
    std::snprintf(line, sizeof line, "\nRecommended rate: %.1f breaths/min (confidence %.2f)\n", *r.recommended_bpm,
                  r.confidence);
    out << line;
  } else {
    out << "\nNo recommendation.\n";
  }
  if (!r.note.empty()) out << r.note << "\n";
}

int assess_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma assess [options]");
  o.add_options()("help,h", "show this help")("source,s", po::value<std::vector<std::string>>()->composing(),
                                               "input source, repeatable (default sim)")(
      "from", po::value<double>()->default_value(6.5, "6.5"), "first rate, breaths/min")(
      "to", po::value<double>()->default_value(4.5, "4.5"), "last rate, breaths/min")(
      "step", po::value<double>()->default_value(0.5, "0.5"), "rate step, breaths/min")(
      "rates", po::value<std::string>(), "explicit rates instead, e.g. 7,6.5,6,5.5,5")(
      "step-minutes", po::value<double>()->default_value(2.0, "2"), "minutes at each rate")(
      "discard", po::value<double>()->default_value(45.0, "45"), "seconds discarded at the start of each step")(
      "ie", po::value<std::string>()->default_value("4:6"), "inhale:exhale ratio")(
      "fullscreen", "fullscreen window")("headless", "no window (one JSON line per second unless --json)")(
      "json", "print only the result: {recommended_bpm, confidence, steps:[...]}")(
      "speed", po::value<double>()->default_value(1.0, "1"), "run the session clock this many times faster")(
      "analyze", po::value<std::string>(), "assess an existing recording (.edf) instead of running the protocol");
  add_session_options(o);
  po::variables_map vm;
  app::AssessProtocol protocol;
  app::PipelineConfig config;
  double speed = 1;
  try {
    po::store(po::command_line_parser(args).options(o).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << o << "\n";
      return kExitOk;
    }
    protocol.rates_bpm = vm.count("rates") ? parse_rates(vm["rates"].as<std::string>())
                                           : app::AssessProtocol::stepped(vm["from"].as<double>(), vm["to"].as<double>(),
                                                                          vm["step"].as<double>());
    protocol.step_s = vm["step-minutes"].as<double>() * 60;
    protocol.discard_s = vm["discard"].as<double>();
    std::tie(protocol.inhale_parts, protocol.exhale_parts) = app::PacerSettings::parse_ratio(vm["ie"].as<std::string>());
    protocol.validate();
    speed = vm["speed"].as<double>();
    if (!(speed >= 0.1 && speed <= 10000)) return usage_error("assess", "--speed: expected a factor from 0.1 to 10000");
    if (vm.count("plan")) return usage_error("assess", "--plan is for pneuma run");
    std::vector<std::string> sources{"sim"};
    if (vm.count("source")) sources = vm["source"].as<std::vector<std::string>>();
    for (auto const& s : sources) config.sources.push_back(drivers::SourceSpec::parse(s));
    for (auto const& line : app::repair_interrupted_replays(config.sources)) std::cerr << "pneuma assess: " << line << "\n";
    speed *= app::replay_speed(config.sources);
  } catch (po::error const& e) {
    return usage_error("assess", e.what());
  } catch (std::invalid_argument const& e) {
    return usage_error("assess", e.what());
  }
  if (vm.count("analyze")) { // offline: the protocol's steps are read from the recording's pacer annotations
    std::vector<std::string> notes;
    const auto rec = app::load_recording(vm["analyze"].as<std::string>(), &notes);
    for (auto const& n : notes) std::cerr << "pneuma assess: " << n << "\n";
    const auto result = app::assess_recording(rec, protocol);
    if (vm.count("json")) std::cout << result.to_json().dump() << "\n";
    else print_table(result, std::cout);
    return kExitOk;
  }
  auto settings_at = [&](std::size_t i) {
    app::PacerSettings p;
    p.rate_bpm = protocol.rates_bpm[i];
    p.inhale_parts = protocol.inhale_parts;
    p.exhale_parts = protocol.exhale_parts;
    return p;
  };
  config.pacer = settings_at(0);
  double minutes = protocol.total_s() / 60;
  SessionPlan plan;
  try {
    plan = plan_session(vm, "assess", config, minutes);
  } catch (std::invalid_argument const& e) {
    return usage_error("assess", e.what());
  }
  // The analysis reads the recording: without the store or --record, record to a temporary file.
  std::optional<std::filesystem::path> temporary;
  if (!plan.setup.record) {
    temporary = std::filesystem::temp_directory_path() / ("pneuma-assess-" + std::to_string(::getpid()) + ".edf");
    plan.setup.record = true;
    plan.setup.record_path = *temporary;
    config.tap_samples = true;
  }
  for (auto const& line : plan.messages) std::cerr << "pneuma assess: " << line << "\n";
  // The whole program up front: the protocol thread stores these timelines at their times, and the
  // recorder takes the pacer from the same list (exact step times, however it is scheduled).
  std::vector<std::pair<double, app::PacerTimeline>> schedule;
  {
    app::PacerTimeline timeline(settings_at(0));
    schedule.emplace_back(0.0, timeline);
    for (std::size_t i = 1; i < protocol.rates_bpm.size(); ++i) {
      const double at = static_cast<double>(i) * protocol.step_s;
      timeline.change(at, settings_at(i));
      schedule.emplace_back(at, timeline);
    }
  }
  plan.setup.pacer_schedule = schedule;

  drivers::SessionClock clock(speed);
  std::unique_ptr<app::Pipeline> pipeline;
  try {
    pipeline = std::make_unique<app::Pipeline>(config, clock);
  } catch (std::invalid_argument const& e) {
    return usage_error("assess", e.what());
  }
  auto session = open_session(plan, *pipeline, config);
  clock.restart(); // set-up (files loaded, store opened) is not session time
  session->start();
  const auto recording = *session->recording();
  const auto session_id = session->id();
  std::signal(SIGINT, on_assess_signal);
  std::signal(SIGTERM, on_assess_signal);

  // The protocol: the pacer steps down at fixed session times. (The window writes the pacer only
  // on a pause key; a pause during an assessment spoils that step, which the gates then reject.)
  std::jthread protocol_thread([&](std::stop_token stop) {
    for (std::size_t i = 1; i < schedule.size() && !stop.stop_requested(); ++i) {
      while (clock.now_s() < schedule[i].first && !stop.stop_requested())
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      if (stop.stop_requested()) return;
      pipeline->pacer().store(schedule[i].second);
    }
  });

  bool completed = false;
  bool windowed = false;
  if (!vm.count("headless")) {
    std::string why;
    ui::WindowOptions window;
    window.setup.pacer = config.pacer;
    window.setup.flow.training_s = minutes * 60.0;
    window.setup.fullscreen = vm.count("fullscreen") > 0;
    const auto outcome = ui::run_trainer_window(*pipeline, window, g_stop, why);
    if (outcome != ui::WindowOutcome::no_display) {
      windowed = true;
      completed = outcome == ui::WindowOutcome::finished;
    } else {
      std::cerr << "pneuma assess: " << why << "; running headless\n";
    }
  }
  if (!windowed) {
    std::ostream null_out(nullptr);
    app::run_headless(*pipeline, minutes, vm.count("json") ? null_out : std::cout, g_stop, std::cerr);
    completed = !g_stop.load();
  }
  protocol_thread.request_stop();
  protocol_thread.join();
  const int closed = close_session(session, completed ? minutes * 60 : -1, completed, std::cerr, "assess");
  if (closed != kExitOk) return closed;

  std::vector<std::string> notes;
  const auto rec = app::load_recording(recording, &notes);
  auto result = app::assess_recording(rec, protocol);
  if (!completed && result.recommended_bpm) result.note += (result.note.empty() ? "" : "; ") + std::string("assessment was interrupted");
  if (plan.store) {
    const auto profile = plan.store->ensure_profile(plan.setup.profile);
    app::AssessmentRow row;
    row.profile_id = profile.id;
    row.session_id = session_id;
    row.recommended_bpm = result.recommended_bpm;
    row.confidence = result.confidence;
    row.steps_json = result.steps_json().dump();
    plan.store->add_assessment(row);
    if (result.recommended_bpm && completed) plan.store->set_resonance(profile.id, *result.recommended_bpm, result.confidence);
  }
  if (temporary) {
    std::error_code ec;
    std::filesystem::remove(*temporary, ec);
  }
  if (vm.count("json")) {
    std::cout << result.to_json().dump() << "\n";
  } else {
    print_table(result, vm.count("headless") ? std::cerr : std::cout);
  }
  return kExitOk;
}

const Registration kAssess({"assess", "resonance-frequency assessment (stepped paced breathing)", &assess_main, 20});

} // namespace
} // namespace pneuma::cli
