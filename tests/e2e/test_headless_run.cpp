// End to end: simulated person -> drivers -> DSP -> headless JSON lines, through the real binary.
#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/process.hpp"

using pneuma::test::pneuma_binary;
using pneuma::test::run_process;

namespace {
std::vector<nlohmann::json> json_lines(std::string const& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  if (!lines.empty() && lines.back().contains("summary")) lines.pop_back(); // the session's summary
  return lines;
}
} // namespace

TEST_CASE("run --headless: 3 simulated minutes settle on the pacer rate", "[e2e][slow]") {
  const auto r = run_process(pneuma_binary() + " run --headless --minutes 3 --speed 100 --rate 6");
  REQUIRE(r.exit_code == 0);
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 180);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto const& j = lines[i];
    REQUIRE(j.at("t_s").get<double>() == Approx(i + 1.0));
    const auto phase = j.at("phase").get<std::string>();
    REQUIRE((phase == "in" || phase == "out" || phase == "hold"));
    REQUIRE(j.at("pacer_bpm").get<double>() == 6.0);
    REQUIRE(j.contains("breathing_bpm"));
    REQUIRE(j.contains("hr_bpm"));
    REQUIRE(j.contains("quality"));
  }
  // The last minute: every breathing rate within +-0.3/min of the pacer, HR plausible.
  for (std::size_t i = 120; i < 180; ++i) {
    INFO("t = " << lines[i]["t_s"]);
    REQUIRE(lines[i]["breathing_bpm"].is_number());
    CHECK(std::abs(lines[i]["breathing_bpm"].get<double>() - 6.0) <= 0.3);
    REQUIRE(lines[i]["hr_bpm"].is_number());
    CHECK(lines[i]["hr_bpm"].get<double>() > 40);
    CHECK(lines[i]["hr_bpm"].get<double>() < 110);
  }
  // Phases follow the pacer: 4 s in, 6 s out at 6/min with the default 1:1.5.
  CHECK(lines[0]["phase"] == "in");   // t = 1
  CHECK(lines[4]["phase"] == "out");  // t = 5
  CHECK(lines[10]["phase"] == "in");  // t = 11
}

TEST_CASE("run --headless: another pacer rate is followed too", "[e2e][slow]") {
  const auto r = run_process(pneuma_binary() +
                             " run --headless --minutes 2 --speed 100 --rate 4.5 --ie 1:1 --source sim:seed=3");
  REQUIRE(r.exit_code == 0);
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 120);
  CHECK(std::abs(lines.back()["breathing_bpm"].get<double>() - 4.5) <= 0.3);
}

TEST_CASE("cli: bad options give one clear line and exit code 2", "[e2e][cli]") {
  struct Case {
    const char* args;
    const char* names;
  };
  for (auto const& c : {Case{"run --rate 20 --headless", "3 to 12"},
                        Case{"run --rate fast", "--rate"},
                        Case{"run --ie 2", "inhale:exhale"},
                        Case{"run --source bogus:1", "unknown kind"},
                        Case{"run --source sim:rf=x", "rf"},
                        Case{"run --minutes -1", "--minutes"},
                        Case{"run --nonsense", "nonsense"},
                        Case{"frobnicate", "unknown command"}}) {
    INFO(c.args);
    const auto r = run_process(pneuma_binary() + " " + c.args, true);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find(c.names) != std::string::npos);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  }
}

TEST_CASE("cli: help lists the commands and the run options", "[e2e][cli]") {
  const auto top = run_process(pneuma_binary() + " --help");
  CHECK(top.exit_code == 0);
  // Every subcommand is listed, each at the start of its own line with its one-line purpose.
  for (const char* command : {"run", "assess", "analyze", "devices", "report", "history", "rate", "export", "simulate"}) {
    INFO(command);
    CHECK(top.out.find(std::string("\n  ") + command + " ") != std::string::npos);
  }
  const auto run = run_process(pneuma_binary() + " run --help");
  CHECK(run.exit_code == 0);
  INFO(run.out);
  // The run command's own help, not the top-level one: it opens with its usage line and carries
  // the defaults the README documents (6/min, 1:1.5, 10 min, tone, volume 0.5).
  CHECK(run.out.rfind("pneuma run [options]:", 0) == 0);
  CHECK(run.out.find("Commands:") == std::string::npos);
  for (const char* option : {"--source", "--ie arg (=1:1.5)", "--rate ] arg (=6)", "--minutes ] arg (=10)", "--headless",
                             "--speed arg (=1)", "--cue arg (=tone)", "--volume arg (=0.5)", "--mute", "--no-sound",
                             "--clinician", "--display", "--preset", "--glide", "--baseline", "--ratings",
                             "--score arg (=coherence)", "--shape arg (=circle)", "--plan", "--before", "--no-record"}) {
    INFO(option);
    CHECK(run.out.find(option) != std::string::npos);
  }
}

TEST_CASE("run: with no display it says so and runs headless", "[e2e]") {
  const auto r = run_process("env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER " +
                             pneuma_binary() + " run --minutes 0.05 --speed 50", true);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("running headless") != std::string::npos);
  CHECK(r.out.find("\"t_s\":3.0") != std::string::npos);
}

// The dummy video driver gives a real SDL window with the software renderer and no GL stack
// (Mesa's EGL, used by the offscreen driver, leaks at exit, which LeakSanitizer would report).
TEST_CASE("run: the window runs a short session under the dummy video driver", "[e2e][ui]") {
  const auto r = run_process("env SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software " +
                             pneuma_binary() + " run --minutes 0.05 --speed 20", true);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("headless") == std::string::npos); // a window, not the fallback
}

TEST_CASE("run --headless: the baseline holds the pacer, the glide starts from above, a summary ends it",
          "[e2e][headless]") {
  // 15 s baseline, then 60 s of training gliding from the measured (or typical 12/min) rate down
  // to 5/min over the first 30 s; at --speed 100 this takes under a second.
  const auto r = run_process(pneuma_binary() +
                             " run --headless --no-store --baseline 0.25 --glide 0.5 --rate 5 --minutes 1 --speed 100");
  REQUIRE(r.exit_code == 0);
  std::vector<nlohmann::json> all;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) all.push_back(nlohmann::json::parse(line));
  REQUIRE(all.size() == 15 + 60 + 1);
  for (std::size_t i = 0; i < 75; ++i) {
    INFO("t = " << all[i]["t_s"]);
    CHECK(all[i]["t_s"].get<double>() == Approx(i + 1.0));
    CHECK(all[i]["stage"] == (i < 15 ? "baseline" : "training"));
  }
  // The pacer stands still through the baseline: one phase, no movement to follow.
  for (std::size_t i = 1; i < 15; ++i) CHECK(all[i]["phase"] == all[0]["phase"]);
  // The glide: above the target at the start of training, falling, on the target once it is over.
  const double first = all[15]["pacer_bpm"].get<double>();
  CHECK(first > 5.5);
  CHECK(all[30]["pacer_bpm"].get<double>() < first);
  for (std::size_t i = 15 + 31; i < 75; ++i) CHECK(all[i]["pacer_bpm"].get<double>() == 5.0);
  auto const& summary = all.back().at("summary");
  CHECK(summary["before_is_baseline"] == true);
  CHECK(summary["training_s"].get<double>() == Approx(60.0));
  CHECK(summary["ended_early"] == false);
  CHECK(all.back().contains("markers"));
}

TEST_CASE("run --headless --ratings: a clear refusal naming what to do instead", "[e2e][headless]") {
  const auto r = run_process(pneuma_binary() + " run --headless --no-store --ratings --minutes 1", true);
  CHECK(r.exit_code == 2);
  CHECK(r.out == "pneuma run: --ratings asks on screen: with --headless give --before tension=N,pain=N "
                 "and rate afterwards with `pneuma rate`\n");
}
