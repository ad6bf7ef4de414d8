// `pneuma simulate` end to end: the simulated person served on a pseudo-terminal (and TCP), read by
// `pneuma run --headless` through the real drivers; plus the encoder the simulator uses.
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>

#include "drivers/link_support.hpp"
#include "drivers/parser_support.hpp"
#include "pneuma/drivers/parsers/bitalino.hpp"
#include "pneuma/drivers/parsers/bridge_line.hpp"
#include "pneuma/drivers/sim/link_simulator.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"
#include "support/process.hpp"
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

extern char** environ;

using namespace pneuma::drivers;
using pneuma::test::pneuma_binary;
using pneuma::test::run_process;
using pneuma::test::TempDir;

namespace {
/// A background `pneuma simulate`, stopped (SIGTERM, then reaped) at scope exit.
class Simulator {
public:
  Simulator(std::vector<std::string> args, std::string const& log_path) {
    args.insert(args.begin(), {pneuma_binary(), "simulate"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Simulator() { stop(); }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  [[nodiscard]] bool running() const { return pid_ > 0; }

private:
  pid_t pid_ = -1;
};

/// Polls `done` every 10 ms until it holds or `timeout` passes (a loaded machine is slow, not wrong).
bool wait_until(std::function<bool()> const& done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool wait_for_path(std::filesystem::path const& p) {
  return wait_until([&] { return std::filesystem::exists(p); });
}

std::vector<nlohmann::json> json_lines(std::string const& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  if (!lines.empty() && lines.back().contains("summary")) lines.pop_back(); // the session's summary
  return lines;
}

std::string slurp(std::filesystem::path const& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

void check_breathing_follows_pacer(std::string const& out, bool expect_hr) {
  const auto lines = json_lines(out);
  // One line per second of session time for 1.5 min: 90, give or take the second the source's
  // real-time pacing (x20 on a shared machine) ends in.
  REQUIRE(lines.size() >= 89);
  REQUIRE(lines.size() <= 91);
  CHECK(lines.back()["t_s"].get<double>() == Approx(90).margin(1));
  // The last 20 s: breathing at the pacer's 6/min. A scheduling hiccup may blank a line or two;
  // most must be there, all must be right.
  int breathing = 0, hr = 0;
  for (std::size_t i = lines.size() - 20; i < lines.size(); ++i) {
    INFO("t = " << lines[i]["t_s"]);
    if (lines[i]["breathing_bpm"].is_number()) {
      ++breathing;
      CHECK(std::abs(lines[i]["breathing_bpm"].get<double>() - 6.0) <= 0.5);
    }
    if (lines[i]["hr_bpm"].is_number()) {
      ++hr;
      CHECK(lines[i]["hr_bpm"].get<double>() > 45);
      CHECK(lines[i]["hr_bpm"].get<double>() < 100);
    }
  }
  CHECK(breathing >= 16);
  if (expect_hr) CHECK(hr >= 16);
}
} // namespace

TEST_CASE("simulate: bridge on a pty, read by run --headless, breathes at the pacer rate", "[e2e][drivers]") {
  TempDir dir;
  const auto tty = dir.path() / "ttyBridge";
  Simulator sim({"--as", "bridge", "--pty", tty.string(), "--speed", "20", "--seconds", "200"},
                (dir.path() / "sim.log").string());
  REQUIRE(sim.running());
  REQUIRE(wait_for_path(tty));
  const auto r = run_process(pneuma_binary() + " run --headless --speed 20 --minutes 1.5 --source 'serial:" +
                             tty.string() + "?protocol=bridge'");
  REQUIRE(r.exit_code == 0);
  check_breathing_follows_pacer(r.out, true);
}

TEST_CASE("simulate: BITalino on a pty is started, read, and stopped on shutdown", "[e2e][drivers]") {
  TempDir dir;
  const auto tty = dir.path() / "ttyBITalino";
  const auto log = dir.path() / "sim.log";
  Simulator sim({"--as", "bitalino", "--pty", tty.string(), "--speed", "20", "--seconds", "200"}, log.string());
  REQUIRE(wait_for_path(tty));
  const auto r = run_process(pneuma_binary() + " run --headless --speed 20 --minutes 1.5 --source 'serial:" +
                             tty.string() + "?protocol=bitalino'");
  REQUIRE(r.exit_code == 0);
  check_breathing_follows_pacer(r.out, false);
  // The driver's stop byte reaches the simulator after run exits: wait for it to be logged.
  CHECK(wait_until([&] { return slurp(log).find("acquisition stopped") != std::string::npos; }));
  sim.stop();
  const std::string text = slurp(log);
  CHECK(text.find("version asked") != std::string::npos);
  CHECK(text.find("acquisition started, 1 channel(s)") != std::string::npos);
  CHECK(text.find("acquisition stopped") != std::string::npos); // the driver sent 0x00 on exit
}

namespace {
/// A loopback UDP port that was free a moment ago. UDP only: there `pneuma run` is the side that
/// binds, and it does not report a kernel-chosen port back (TCP uses `simulate --tcp 0`).
unsigned short free_udp_port() {
  namespace asio = boost::asio;
  asio::io_context ctx;
  return asio::ip::udp::socket(ctx, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)).local_endpoint().port();
}
} // namespace

TEST_CASE("simulate: bridge over UDP datagrams, read by run --headless", "[e2e][drivers]") {
  TempDir dir;
  const auto port = std::to_string(free_udp_port());
  Simulator sim({"--as", "bridge", "--udp", port, "--speed", "20", "--seconds", "200"}, (dir.path() / "sim.log").string());
  const auto r = run_process(pneuma_binary() + " run --headless --speed 20 --minutes 1.5 --source udp::" + port);
  REQUIRE(r.exit_code == 0);
  check_breathing_follows_pacer(r.out, true);
}

TEST_CASE("simulate: bridge over TCP, read by run --headless", "[e2e][drivers]") {
  TempDir dir;
  const auto log = dir.path() / "sim.log";
  Simulator sim({"--as", "bridge", "--tcp", "0", "--speed", "20", "--seconds", "400"}, log.string());
  // Port 0: the kernel binds a free port and the simulator names it once it listens.
  const std::string listening = "listening on tcp 127.0.0.1:";
  REQUIRE(wait_until([&] {
    const std::string text = slurp(log);
    const auto at = text.find(listening);
    return at != std::string::npos && text.find('\n', at) != std::string::npos;
  }));
  const std::string text = slurp(log);
  const auto at = text.find(listening) + listening.size();
  const std::string port = text.substr(at, text.find('\n', at) - at);
  INFO("port " << port);
  REQUIRE(std::stoi(port) > 0);
  const auto r = run_process(pneuma_binary() + " run --headless --speed 20 --minutes 1.5 --source tcp:127.0.0.1:" + port);
  REQUIRE(r.exit_code == 0);
  check_breathing_follows_pacer(r.out, true);
  sim.stop();
  CHECK(slurp(log).find("client connected from 127.0.0.1") != std::string::npos);
}

TEST_CASE("simulate: pty unplugged and replugged, the driver reconnects by path", "[e2e][drivers]") {
  TempDir dir;
  const auto tty = dir.path() / "ttyFlaky";
  const auto log = dir.path() / "sim.log";
  Simulator sim({"--as", "bridge", "--pty", tty.string(), "--speed", "10", "--seconds", "200", "--unplug-every", "20",
                 "--garbage", "0.01", "--corrupt", "0.01"},
                log.string());
  REQUIRE(wait_for_path(tty));
  const auto r = run_process(pneuma_binary() + " run --headless --speed 10 --minutes 1 --source 'serial:" +
                             tty.string() + "?protocol=bridge'");
  REQUIRE(r.exit_code == 0);
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 60);
  int hr_after_second_replug = 0;
  for (std::size_t i = 47; i < 60; ++i) hr_after_second_replug += lines[i]["hr_bpm"].is_number() ? 1 : 0;
  CHECK(hr_after_second_replug >= 5);
  sim.stop();
  const std::string text = slurp(log);
  std::size_t replugs = 0;
  for (auto at = text.find("plugged in again"); at != std::string::npos; at = text.find("plugged in again", at + 1)) ++replugs;
  CHECK(replugs >= 2);
}

TEST_CASE("simulate: strap and belt from two devices at once", "[e2e][drivers]") {
  TempDir dir;
  const auto tty = dir.path() / "ttyBelt";
  const auto port = std::to_string(free_udp_port());
  Simulator belt({"--as", "bitalino", "--pty", tty.string(), "--speed", "20", "--seconds", "300"},
                 (dir.path() / "belt.log").string());
  Simulator strap({"--as", "bridge", "--signals", "strap", "--udp", port, "--speed", "20", "--seconds", "300"},
                  (dir.path() / "strap.log").string());
  REQUIRE(wait_for_path(tty));
  const auto r = run_process(pneuma_binary() + " run --headless --speed 20 --minutes 1.5 --source 'serial:" +
                             tty.string() + "?protocol=bitalino' --source udp::" + port);
  REQUIRE(r.exit_code == 0);
  check_breathing_follows_pacer(r.out, true);
}

TEST_CASE("simulate: usage errors are one line with exit code 2", "[e2e][drivers]") {
  auto r = run_process(pneuma_binary() + " simulate --as morse --pty /tmp/x", true);
  CHECK(r.exit_code == 2);
  CHECK(r.out == "pneuma simulate: --as morse: expected bridge, bitalino or ascii\n");
  r = run_process(pneuma_binary() + " simulate --as bridge", true);
  CHECK(r.exit_code == 2);
  r = run_process(pneuma_binary() + " simulate --as bitalino --tcp 5555", true);
  CHECK(r.exit_code == 2);
  r = run_process(pneuma_binary() + " simulate --as bridge --pty /tmp/x --garbage 2", true);
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("--garbage") != std::string::npos);
  r = run_process(pneuma_binary() + " run --headless --minutes 0.1 --source 'serial:/nonexistent/tty?protocol=bridge'", true);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("cannot open serial port /nonexistent/tty") != std::string::npos);
}

TEST_CASE("simulate encoder: bridge lines decode back to the person's belt and strap", "[drivers]") {
  sim::SimSensors sensors(sim::PersonParams{}, {});
  sim::SimEncoder enc(sim::SimProtocol::bridge, {}, 1);
  sensors.advance_to(30.0, enc);
  enc.flush();
  BridgeLineParser parser;
  pneuma::test::CollectingSink sink;
  for (auto const& f : enc.frames())
    parser.feed({reinterpret_cast<const std::uint8_t*>(f.data()), f.size()}, 0, sink);
  CHECK(sink.of<RespSample>().size() == 30 * 50);
  CHECK(sink.of<HeartRate>().size() >= 28);
  CHECK(sink.of<RrInterval>().size() >= 28);
  CHECK(sink.of<BatteryLevel>().size() == 1);
  CHECK(parser.stats().errors == 0);
  CHECK(sink.of<SignalGap>().empty());
}

TEST_CASE("simulate encoder: drop and corrupt knobs show up as gaps and counted errors", "[drivers]") {
  sim::SimFaults faults;
  faults.drop = 0.05;
  faults.corrupt = 0.05;
  faults.garbage = 0.05;
  sim::SimSensors sensors(sim::PersonParams{}, {});
  sim::SimEncoder enc(sim::SimProtocol::bitalino, faults, 3);
  enc.set_bitalino_acquiring(true, 1);
  sensors.advance_to(60.0, enc);
  BitalinoParser parser(1, 0, 50);
  pneuma::test::CollectingSink sink;
  for (auto const& f : enc.frames())
    parser.feed({reinterpret_cast<const std::uint8_t*>(f.data()), f.size()}, 0, sink);
  const auto n = static_cast<double>(sink.of<RespSample>().size());
  CHECK(n > 3000 * 0.8);
  CHECK(n < 3000 * 0.95);
  CHECK(parser.stats().errors > 0);
  CHECK(parser.stats().lost > 3000 * 0.05);
}
