// The all-day watch's cost: `pneuma watch --plan P --tension --source sim` as its own process at
// real-time speed (the simulated person's strap: one heart-rate notification a second), CPU
// share of one core over a measured stretch after start-up, and peak resident memory (VmHWM).
// Budget (issue: light): <= 0.5 % of a core, <= 30 MB. The stretch is 30 s (PNEUMA_BENCH_WATCH_S).
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "bench.hpp"

extern char** environ;

namespace pneuma::bench {
namespace {

/// utime + stime of a process, in seconds.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip; // fields 3..13
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double status_mb(pid_t pid, std::string const& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024.0;
  return 0;
}

Result watch_cost(bool strap) {
  const double stretch_s = std::getenv("PNEUMA_BENCH_WATCH_S") ? std::atof(std::getenv("PNEUMA_BENCH_WATCH_S")) : 30.0;
  char pattern[] = "/tmp/pneuma-bench-watch-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return {};
  const std::filesystem::path dir = pattern;
  std::ofstream(dir / "plan.json") << R"({"schema": "pneuma-plan/1", "sessions_per_day": 2, "steps": [{"days": 7, "minutes": 10}]})";
  setenv("XDG_DATA_HOME", (dir / "data").c_str(), 1);
  setenv("XDG_CONFIG_HOME", (dir / "config").c_str(), 1);
  setenv("DBUS_SESSION_BUS_ADDRESS", ("unix:path=" + (dir / "no-bus").string()).c_str(), 1); // stdout reminders
  std::vector<std::string> args{PNEUMA_BINARY, "watch", "--plan", (dir / "plan.json").string()};
  if (strap) args.insert(args.end(), {"--tension", "--source", "sim:days=1"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, (dir / "out.log").c_str(), O_WRONLY | O_CREAT, 0644);
  posix_spawn_file_actions_addopen(&files, 2, (dir / "out.log").c_str(), O_WRONLY | O_CREAT, 0644);
  pid_t pid = -1;
  posix_spawn(&pid, argv[0], &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  Result r;
  if (pid > 0) {
    std::this_thread::sleep_for(std::chrono::seconds(3)); // start-up: store, devices, first reminder
    const double cpu0 = cpu_seconds(pid);
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(stretch_s));
    const double cpu1 = cpu_seconds(pid);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.items = r.seconds; // simulated (= real) seconds watched
    r.extra["cpu_pct_of_core"] = 100.0 * (cpu1 - cpu0) / r.seconds;
    r.extra["peak_rss_mb"] = status_mb(pid, "VmHWM:");
    r.extra["rss_mb"] = status_mb(pid, "VmRSS:");
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    r.extra["exit_code"] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return r;
}

const Registration kWatch("watch_cost", "pneuma watch --plan --tension on the simulated person: CPU % of a core, peak RSS",
                          [] { return watch_cost(true); });
// The same without the strap: the watch's own share (the simulated person ticks at 100 Hz on the
// io thread, which a real strap's notifications do not).
const Registration kWatchPlan("watch_cost_plan_only", "pneuma watch --plan (reminders only): CPU % of a core, peak RSS",
                              [] { return watch_cost(false); });

} // namespace
} // namespace pneuma::bench
