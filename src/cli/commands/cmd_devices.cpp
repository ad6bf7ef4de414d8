// pneuma devices: serial ports (with their /dev/serial/by-id names) and BLE heart-rate straps.
#include <algorithm>
#include <boost/program_options.hpp>
#include <iostream>
#include <unistd.h>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "live/device_scan.hpp"
#include "pneuma/drivers/ble/ble.hpp"

namespace pneuma::cli {
namespace {
namespace po = boost::program_options;

/// Names come over the air: print only printable ASCII (no terminal escape sequences).
std::string printable(std::string const& text) {
  std::string out;
  for (char c : text.substr(0, 64)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

int devices_main(std::vector<std::string> const& args) {
  po::options_description o("pneuma devices [options]");
  o.add_options()("help,h", "show this help")(
      "seconds", po::value<double>()->default_value(5.0, "5"), "how long to scan for BLE straps")(
      "no-ble", "list serial ports only");
  po::variables_map vm;
  if (auto exit = parse_command_line("devices", args, o, vm)) return *exit;
  const double seconds = vm["seconds"].as<double>();
  if (!(seconds >= 0.5 && seconds <= 120)) return usage_error("devices", "--seconds: expected 0.5 to 120");

  std::cout << "Serial ports:\n";
  const auto ports = app::list_serial_ports(); // the start screen's list too
  if (ports.empty()) std::cout << "  (none found)\n";
  for (auto const& p : ports) {
    std::cout << "  " << p.path;
    if (!p.by_id.empty()) std::cout << "  " << p.by_id;
    std::cout << "\n    use: --source 'serial:" << (p.by_id.empty() ? p.path : p.by_id)
              << "?protocol=bridge|bitalino|ascii'\n";
    if (!p.permitted) {
      const std::string group = p.group.empty() ? "dialout" : p.group;
      std::cout << "    no permission for you: sudo adduser $USER " << group << ", then log out and in\n";
    }
  }
  if (vm.count("no-ble")) return kExitOk;

  std::cout << "BLE heart-rate straps (service 0x180D):\n" << std::flush;
  const bool tty = isatty(2) != 0;
  int shown = -1;
  const auto result = drivers::ble_scan(seconds, [&](double f) {
    const int pct = static_cast<int>(f * 100);
    if (pct / 10 == shown / 10) return;
    shown = pct;
    if (tty) std::cerr << "\r  scanning " << pct << " %" << std::flush;
    else if (pct == 0) std::cerr << "  scanning for " << seconds << " s\n";
  });
  if (tty) std::cerr << "\r                 \r" << std::flush;
  for (auto const& d : result.devices) {
    std::cout << "  " << printable(d.address) << "  " << (d.name.empty() ? "(no name)" : printable(d.name));
    if (d.rssi != 0) std::cout << "  RSSI " << d.rssi << " dBm";
    if (d.pmd) std::cout << "  Polar PMD (ECG/ACC)";
    if (d.connected) std::cout << "  connected";
    std::cout << "\n    use: --source ble:" << printable(d.address) << "\n";
  }
  if (!result.error.empty()) {
    std::cout << "  (BLE unavailable)\n";
    return runtime_error("devices", result.error);
  }
  if (result.devices.empty()) std::cout << "  (none found: is the strap worn and moist, and not connected to a phone?)\n";
  return kExitOk;
}

const Registration kDevices({"devices", "list serial ports and BLE heart-rate straps in range", &devices_main, 50});

} // namespace
} // namespace pneuma::cli
