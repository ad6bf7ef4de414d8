// `pneuma watch` end to end, as a separate process on a private session bus: reminders through
// python-dbusmock's notification_daemon, "Start now" (ActionInvoked) starting the planned session,
// no notification service at all, and a strap lost and back.
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <ctime>
#include <sys/wait.h>

#include "store/store.hpp"
#include "support/process.hpp"
#include "watch/session_bus.hpp"

using namespace std::chrono_literals;
using pneuma::test::slurp;
using pneuma::test::wait_for;

namespace {

// One 1-minute session a day and nothing else: the first is due at once (no quiet hours).
constexpr char const* kPlan = R"({"schema": "pneuma-plan/1", "title": "test", "rate_bpm": 6,
  "sessions_per_day": 1, "steps": [{"days": 7, "minutes": 1}]})";

/// Quiet hours two to three hours from now: the waking day around them holds now, whenever the
/// test runs, and its first session slot has passed.
std::string quiet_away_from_now() {
  const std::time_t t = std::time(nullptr) + 2 * 3600;
  std::tm l{};
  localtime_r(&t, &l);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", l.tm_hour, l.tm_min, (l.tm_hour + 1) % 24, l.tm_min);
  return buf;
}

/// A watch process with its own data and config folders; stopped with SIGTERM at the end.
struct WatchProcess {
  pneuma::test::TempDir home;
  pid_t pid = -1;
  std::string saved_data_home = std::getenv("XDG_DATA_HOME") ? std::getenv("XDG_DATA_HOME") : "";
  std::string saved_config_home = std::getenv("XDG_CONFIG_HOME") ? std::getenv("XDG_CONFIG_HOME") : "";
  std::filesystem::path out() const { return home.path() / "watch.log"; }

  void start(std::vector<std::string> args) {
    setenv("XDG_DATA_HOME", (home.path() / "data").c_str(), 1);
    setenv("XDG_CONFIG_HOME", (home.path() / "config").c_str(), 1); // no settings: no quiet hours
    args.insert(args.begin(), {pneuma::test::pneuma_binary(), "watch", "--quiet", quiet_away_from_now()});
    pid = pneuma::test::spawn(args, out().string());
    REQUIRE(pid > 0);
  }
  std::filesystem::path plan() const {
    const auto p = home.path() / "plan.json";
    if (!std::filesystem::exists(p)) std::ofstream(p) << kPlan;
    return p;
  }
  bool alive() const { return pid > 0 && waitpid(pid, nullptr, WNOHANG) == 0; }
  /// SIGTERM, then the exit code (-1 if it did not exit within 10 s).
  int stop() {
    if (pid <= 0) return -1;
    kill(pid, SIGTERM);
    int status = 0;
    pid_t r = 0;
    wait_for([&] { return (r = waitpid(pid, &status, WNOHANG)) != 0; }, 10s);
    if (r == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      pid = -1;
      return -1;
    }
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ~WatchProcess() {
    if (pid > 0) stop();
    auto restore = [](char const* name, std::string const& value) {
      if (value.empty()) unsetenv(name);
      else setenv(name, value.c_str(), 1);
    };
    restore("XDG_DATA_HOME", saved_data_home);
    restore("XDG_CONFIG_HOME", saved_config_home);
  }
  std::vector<pneuma::app::WatchEvent> events() const {
    pneuma::app::Store store(home.path() / "data" / "pneuma");
    auto p = store.find_profile("default");
    return p ? store.watch_events(p->id) : std::vector<pneuma::app::WatchEvent>{};
  }
  std::vector<pneuma::app::SessionRow> sessions() const {
    pneuma::app::Store store(home.path() / "data" / "pneuma");
    return store.sessions();
  }
};

std::size_t count(std::string const& text, std::string const& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

} // namespace

TEST_CASE("watch: a due session is notified once, and Start now starts it", "[e2e][watch]") {
  if (auto why = pneuma::test::SessionBus::missing(); !why.empty()) {
    std::cout << "SKIPPED: " << why << "\n";
    return;
  }
  pneuma::test::SessionBus bus(true);
  WatchProcess watch;
  watch.start({"--plan", watch.plan().string(), "--run-option", "--headless", "--run-option", "--speed=120",
               "--run-option", "--source=sim"});
  // The plan's first session on a fresh store is announced within a few seconds.
  REQUIRE(wait_for([&] { return bus.calls("Notify") >= 1; }, 15s));
  CHECK(bus.last_summary() == "Time for your breathing session");
  auto events = watch.events();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == "reminder");
  CHECK(events[0].item == "run 1");
  CHECK(events[0].outcome == "sent");

  bus.invoke_action(1, "start"); // notification_daemon numbers notifications from 1
  // The session it starts runs the plan's minute (at 120x) and lands in the store, planned.
  REQUIRE(wait_for([&] {
    for (auto const& s : watch.sessions())
      if (s.plan_id && s.status == "complete") return true;
    return false;
  }, 60s));
  CHECK(watch.events()[0].outcome == "taken");
  CHECK(wait_for([&] { return slurp(watch.out()).find("started: pneuma run --plan") != std::string::npos; }, 5s));
  CHECK(watch.stop() == 0);
  CHECK(bus.calls("Notify") == 1); // the day's plan is done: no further reminder
  CHECK(watch.events().size() == 1);
}

TEST_CASE("watch: Later snoozes, and the reminder comes back once", "[e2e][watch]") {
  if (auto why = pneuma::test::SessionBus::missing(); !why.empty()) {
    std::cout << "SKIPPED: " << why << "\n";
    return;
  }
  pneuma::test::SessionBus bus(true);
  WatchProcess watch;
  // 600x: the 30-min snooze passes in 3 s.
  watch.start({"--plan", watch.plan().string(), "--speed", "600"});
  REQUIRE(wait_for([&] { return bus.calls("Notify") >= 1; }, 15s));
  bus.invoke_action(1, "later");
  REQUIRE(wait_for([&] { return bus.calls("Notify") >= 2; }, 20s));
  // Ten more simulated minutes bring nothing more: one reminder per item, one after Later.
  std::this_thread::sleep_for(1s);
  CHECK(bus.calls("Notify") == 2);
  CHECK(watch.stop() == 0);
  const auto events = watch.events();
  REQUIRE(events.size() == 2);
  CHECK(events[0].outcome == "snoozed");
  CHECK(events[1].item == "run 1 later");
}

TEST_CASE("watch: with no notification service, one line, reminders on stdout, keeps running", "[e2e][watch]") {
  if (auto why = pneuma::test::SessionBus::missing(); !why.empty()) {
    std::cout << "SKIPPED: " << why << "\n";
    return;
  }
  pneuma::test::SessionBus bus(false); // a session bus with nobody serving notifications
  WatchProcess watch;
  watch.start({"--plan", watch.plan().string()});
  REQUIRE(wait_for([&] { return slurp(watch.out()).find("reminder: Time for your breathing session") != std::string::npos; }, 15s));
  const std::string text = slurp(watch.out());
  CHECK(count(text, "no notification service") == 1);
  CHECK(text.find("(start it with: pneuma run --plan") != std::string::npos);
  CHECK(watch.alive());
  CHECK(watch.stop() == 0);
}

TEST_CASE("watch: the strap lost and back is said once each, and the watch keeps going", "[e2e][watch]") {
  if (auto why = pneuma::test::SessionBus::missing(); !why.empty()) {
    std::cout << "SKIPPED: " << why << "\n";
    return;
  }
  pneuma::test::SessionBus bus(false);
  const unsigned port = 20000 + static_cast<unsigned>(getpid() % 20000);
  const std::string serve_log = (std::filesystem::temp_directory_path() / ("pneuma-watch-sim-" + std::to_string(getpid()))).string();
  auto serve = [&] {
    return pneuma::test::spawn({pneuma::test::pneuma_binary(), "simulate", "--as", "bridge", "--tcp",
                                std::to_string(port), "--signals", "strap", "--pace", "0"},
                               serve_log);
  };
  pid_t server = serve();
  WatchProcess watch;
  watch.start({"--tension", "--source", "tcp:127.0.0.1:" + std::to_string(port)});
  // Let the link come up, then take the strap away and bring it back.
  REQUIRE(wait_for([&] { return slurp(watch.out()).find("watching for tension") != std::string::npos; }, 10s));
  REQUIRE(wait_for([&] {
    // connected when the simulator has its client
    return slurp(serve_log).find("client") != std::string::npos;
  }, 15s));
  pneuma::test::reap(server);
  REQUIRE(wait_for([&] { return slurp(watch.out()).find("strap lost") != std::string::npos; }, 20s));
  server = serve();
  REQUIRE(wait_for([&] { return slurp(watch.out()).find("strap back") != std::string::npos; }, 30s));
  const std::string text = slurp(watch.out());
  CHECK(count(text, "strap lost") == 1);
  CHECK(count(text, "strap back") == 1);
  CHECK(watch.alive());
  CHECK(watch.stop() == 0);
  pneuma::test::reap(server);
  std::filesystem::remove(serve_log);
}
