// pneuma history [--profile NAME] [--html FILE]
#include <boost/program_options.hpp>
#include <cmath>
#include <fstream>
#include <iostream>

#include "report/history.hpp"
#include "report/watch_history.hpp"
#include "session/plan.hpp"
#include "session/record_session.hpp"
#include "session/recordings.hpp"
#include "store/store.hpp"
#include "cli/command.hpp"
#include "cli/options.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

int history_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma history [options]");
  o.add_options()("help,h", "show this help")(
      "profile", po::value<std::string>()->default_value(app::Store::kDefaultProfile), "whose history")(
      "html", po::value<std::string>(), "also write the history as an HTML page with charts")(
      "sessions", "list every session too");
  po::variables_map vm;
  if (auto exit = parse_command_line("history", args, o, vm)) return *exit;
  app::Store store;
  for (auto const& m : app::recover_interrupted_sessions(store)) std::cerr << "pneuma history: " << m << "\n";
  const std::string name = vm["profile"].as<std::string>();
  const auto profile = store.find_profile(name);
  if (!profile) {
    std::cout << "Profile " << name << ": no sessions yet\n";
    return kExitOk;
  }
  const auto plans = app::plans_of(store, profile->id);
  const auto h = app::build_history(name, store.sessions(profile->id), store.assessments(profile->id),
                                    [&plans](std::string const& week) { return app::planned_sessions_in_week(plans, week); });
  std::cout << app::history_table(h);
  const auto watch = app::summarize_watch(store.watch_events(profile->id), h.sessions);
  std::cout << app::watch_table(watch);
  if (vm.count("sessions")) {
    std::cout << "\n  id  started               kind    status       min  HR   RMSSD  breathing  tension b>a  pain b>a\n";
    for (auto const& s : h.sessions) {
      char line[256];
      auto f = [](double v, int d) {
        if (std::isnan(v)) return std::string("-");
        char b[32];
        std::snprintf(b, sizeof b, "%.*f", d, v);
        return std::string(b);
      };
      const double nan = std::nan("");
      const double tb = s.before && s.before->tension ? *s.before->tension : nan;
      const double ta = s.after && s.after->tension ? *s.after->tension : nan;
      const double pb = s.before && s.before->pain ? *s.before->pain : nan;
      const double pa = s.after && s.after->pain ? *s.after->pain : nan;
      std::snprintf(line, sizeof line, "%4lld  %-20s  %-6s  %-11s %4.0f  %3s  %5s  %9s  %11s  %8s\n",
                    static_cast<long long>(s.id), s.started_at.c_str(), s.kind.c_str(), s.status.c_str(),
                    s.duration_s / 60, f(s.metrics.mean_hr_bpm.value_or(nan), 0).c_str(), f(s.metrics.rmssd_ms.value_or(nan), 0).c_str(),
                    f(s.metrics.breathing_bpm.value_or(nan), 1).c_str(), (f(tb, 0) + ">" + f(ta, 0)).c_str(),
                    (f(pb, 0) + ">" + f(pa, 0)).c_str());
      std::cout << line;
    }
  }
  if (vm.count("html")) {
    const std::string path = vm["html"].as<std::string>();
    std::ofstream out(path);
    std::string page = app::history_html(h);
    if (const auto body_end = page.rfind("</body>"); body_end != std::string::npos)
      page.insert(body_end, app::watch_html(watch));
    out << page;
    if (!out) return runtime_error("history", "cannot write " + path);
    std::cerr << "pneuma history: wrote " << path << "\n";
  }
  return kExitOk;
}

const Registration kHistory({"history", "sessions over the weeks: minutes, resting HR/RMSSD, ratings, flags", &history_main, 55});

} // namespace
} // namespace pneuma::cli
