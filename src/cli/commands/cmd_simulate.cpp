// pneuma simulate: serve the simulated person as a real device (pty, TCP or UDP) with faults.
#include <atomic>
#include <boost/program_options.hpp>
#include <csignal>
#include <iostream>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "pneuma/drivers/sim/link_simulator.hpp"
#include "pneuma/drivers/source_spec.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;
using drivers::sim::SimProtocol;
using drivers::sim::SimServeOptions;

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

po::options_description simulate_options() {
  po::options_description o(
      "pneuma simulate --as bridge|bitalino|ascii (--pty PATH | --tcp PORT | --udp PORT) [options]\n"
      "Then, in another terminal: pneuma run --source serial:PATH?protocol=<as>  (or tcp:127.0.0.1:PORT,\n"
      "udp::PORT)");
  o.add_options()("help,h", "show this help")(
      "as", po::value<std::string>(), "protocol to speak: bridge, bitalino or ascii")(
      "pty", po::value<std::string>(), "create a pseudo-terminal and publish it at PATH (a symlink)")(
      "tcp", po::value<unsigned>(), "listen for one client on TCP PORT (bridge, ascii; 0: a free port, logged)")(
      "udp", po::value<unsigned>(), "send one line per datagram to UDP PORT (bridge, ascii)")(
      "bind", po::value<std::string>()->default_value("127.0.0.1"),
      "TCP listen address / UDP destination (loopback unless you say otherwise)")(
      "signals", po::value<std::string>()->default_value("both"),
      "bridge: what it forwards: both, belt (RSP lines) or strap (HRM, BAT and PMD lines: a Polar H10's\n"
      "heart rate, ECG 130 Hz and accelerometer 200 Hz; sim: ecg=0 / acc=0 turn those off)")(
      "sim", po::value<std::string>()->default_value(""),
      "the person, as sim: options, e.g. seed=7,rf=5.5,hr=70,ectopic=0.01")(
      "pace", po::value<double>()->default_value(6.0, "6"),
      "the person follows a pacer at this rate, breaths/min (0: breathes freely)")(
      "speed", po::value<double>()->default_value(1.0, "1"), "serve this many times faster than real time")(
      "seconds", po::value<double>()->default_value(0.0, "0"), "stop after this much simulated time (0: never)")(
      "garbage", po::value<double>()->default_value(0.0, "0"), "probability of random bytes before a frame")(
      "drop", po::value<double>()->default_value(0.0, "0"), "probability a frame is lost")(
      "corrupt", po::value<double>()->default_value(0.0, "0"), "probability a frame has a flipped bit")(
      "stall-every", po::value<double>()->default_value(0.0, "0"), "stop sending for 3 s every S seconds")(
      "unplug-every", po::value<double>()->default_value(0.0, "0"),
      "close the port every S seconds and reopen it 2 s later at the same path");
  return o;
}

int simulate_main(std::vector<std::string> const& args) {
  const auto options = simulate_options();
  po::variables_map vm;
  if (auto exit = parse_command_line("simulate", args, options, vm)) return *exit;
  SimServeOptions o;
  try {
    if (!vm.count("as")) return usage_error("simulate", "--as is required (bridge, bitalino or ascii)");
    const auto as = vm["as"].as<std::string>();
    if (as == "bridge") o.protocol = SimProtocol::bridge;
    else if (as == "bitalino") o.protocol = SimProtocol::bitalino;
    else if (as == "ascii") o.protocol = SimProtocol::ascii;
    else return usage_error("simulate", "--as " + as + ": expected bridge, bitalino or ascii");
    const int transports = static_cast<int>(vm.count("pty") + vm.count("tcp") + vm.count("udp"));
    if (transports != 1) return usage_error("simulate", "give exactly one of --pty PATH, --tcp PORT, --udp PORT");
    if (vm.count("pty")) {
      o.transport = SimServeOptions::Transport::pty;
      o.pty_path = vm["pty"].as<std::string>();
    } else {
      const unsigned port = vm.count("tcp") ? vm["tcp"].as<unsigned>() : vm["udp"].as<unsigned>();
      // TCP port 0: the kernel picks a free one, named in the "listening on" line (no race with a guess).
      if ((port == 0 && !vm.count("tcp")) || port > 65535) return usage_error("simulate", "port: expected 1 to 65535");
      o.port = static_cast<std::uint16_t>(port);
      o.transport = vm.count("tcp") ? SimServeOptions::Transport::tcp : SimServeOptions::Transport::udp;
      if (o.protocol == SimProtocol::bitalino)
        return usage_error("simulate", "bitalino is a serial device: use --pty PATH");
    }
    o.address = vm["bind"].as<std::string>();
    const auto signals = vm["signals"].as<std::string>();
    if (signals == "both") o.signals = drivers::sim::BridgeSignals::both;
    else if (signals == "belt") o.signals = drivers::sim::BridgeSignals::belt;
    else if (signals == "strap") o.signals = drivers::sim::BridgeSignals::strap;
    else return usage_error("simulate", "--signals " + signals + ": expected both, belt or strap");
    if (signals != "both" && o.protocol != SimProtocol::bridge)
      return usage_error("simulate", "--signals is for --as bridge");
    const auto sim_text = vm["sim"].as<std::string>();
    auto spec = drivers::SourceSpec::parse(sim_text.empty() ? "sim" : "sim:" + sim_text);
    if (o.protocol == SimProtocol::bitalino && !spec.option("belt_hz")) spec.options["belt_hz"] = "100";
    if (o.signals == drivers::sim::BridgeSignals::strap) { // a strap alone: an H10, ECG and ACC on
      if (!spec.option("ecg")) spec.options["ecg"] = "130";
      if (!spec.option("acc")) spec.options["acc"] = "200";
    }
    o.person = drivers::sim::PersonParams::from_spec(spec);
    auto rate = [&](char const* key) {
      const double v = vm[key].as<double>();
      if (!(v >= 0 && v <= 1)) throw std::invalid_argument(std::string("--") + key + ": expected 0 to 1");
      return v;
    };
    o.faults.garbage = rate("garbage");
    o.faults.drop = rate("drop");
    o.faults.corrupt = rate("corrupt");
    o.faults.stall_every_s = vm["stall-every"].as<double>();
    o.faults.unplug_every_s = vm["unplug-every"].as<double>();
    if (o.faults.stall_every_s < 0 || (o.faults.stall_every_s > 0 && o.faults.stall_every_s <= o.faults.stall_s))
      return usage_error("simulate", "--stall-every: expected 0 or more than 3 seconds");
    if (o.faults.unplug_every_s < 0 || (o.faults.unplug_every_s > 0 && o.faults.unplug_every_s <= o.faults.replug_after_s))
      return usage_error("simulate", "--unplug-every: expected 0 or more than 2 seconds");
    o.pace_bpm = vm["pace"].as<double>();
    if (o.pace_bpm != 0 && !(o.pace_bpm >= 3 && o.pace_bpm <= 30))
      return usage_error("simulate", "--pace: expected 0 or 3 to 30 breaths/min");
    o.speed = vm["speed"].as<double>();
    if (!(o.speed >= 0.1 && o.speed <= 1000)) return usage_error("simulate", "--speed: expected 0.1 to 1000");
    o.duration_s = vm["seconds"].as<double>();
    if (!(o.duration_s >= 0)) return usage_error("simulate", "--seconds: expected 0 or more");
  } catch (std::invalid_argument const& e) {
    return usage_error("simulate", e.what());
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    drivers::sim::run_link_simulator(o, g_stop, std::cerr);
  } catch (std::runtime_error const& e) {
    return runtime_error("simulate", e.what());
  }
  return kExitOk;
}

const Registration kSimulate({"simulate", "serve the simulated person as a serial/TCP/UDP device, with faults",
                              &simulate_main, 60});

} // namespace
} // namespace pneuma::cli
