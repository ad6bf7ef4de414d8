#include "live/device_scan.hpp"

#include <filesystem>
#include <grp.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

namespace pneuma::app {
namespace fs = std::filesystem;

std::vector<SerialPort> list_serial_ports() {
  std::map<std::string, SerialPort> ports;
  std::error_code ec;
  for (auto const& e : fs::directory_iterator("/dev", ec)) {
    const std::string name = e.path().filename().string();
    for (auto const* prefix : {"ttyUSB", "ttyACM", "rfcomm", "ttyAMA"})
      if (name.rfind(prefix, 0) == 0) ports[e.path().string()].path = e.path().string();
  }
  for (auto const& e : fs::directory_iterator("/dev/serial/by-id", ec)) {
    const auto target = fs::canonical(e.path(), ec);
    if (ec) continue;
    auto& port = ports[target.string()];
    port.path = target.string();
    port.by_id = e.path().string();
  }
  std::vector<SerialPort> out;
  for (auto& [path, port] : ports) {
    port.permitted = ::access(path.c_str(), R_OK | W_OK) == 0;
    struct stat st{};
    if (!port.permitted && ::stat(path.c_str(), &st) == 0)
      if (const group* g = ::getgrgid(st.st_gid); g != nullptr) port.group = g->gr_name;
    out.push_back(std::move(port));
  }
  return out;
}

DeviceScan::~DeviceScan() {
  worker_.request_stop(); // the scan notices within a quarter second; jthread joins
}

void DeviceScan::start(double ble_seconds) {
  worker_.request_stop();
  if (worker_.joinable()) worker_.join();
  {
    std::lock_guard lock(mutex_);
    shared_.scanning = true;
    shared_.progress = 0;
  }
  worker_ = std::jthread([this, ble_seconds](std::stop_token stop) { run(stop, ble_seconds); });
}

DeviceScanSnapshot DeviceScan::snapshot() const {
  std::lock_guard lock(mutex_);
  return shared_;
}

void DeviceScan::run(std::stop_token stop, double seconds) {
  auto ports = list_serial_ports();
  {
    std::lock_guard lock(mutex_);
    shared_.ports = ports;
  }
  drivers::BleScanResult ble;
  if (seconds > 0)
    ble = drivers::ble_scan(
        seconds,
        [this](double f) {
          std::lock_guard lock(mutex_);
          shared_.progress = f;
        },
        stop);
  std::lock_guard lock(mutex_);
  if (stop.stop_requested()) return; // a newer scan (or none) owns the snapshot now
  shared_.straps = std::move(ble.devices);
  shared_.ble_error = std::move(ble.error);
  shared_.scanning = false;
  shared_.progress = 1;
  ++shared_.generation;
}

} // namespace pneuma::app
