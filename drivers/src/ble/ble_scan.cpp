// `pneuma devices`: BLE heart-rate straps in range, through BlueZ discovery with a UUID filter.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <poll.h>
#include <sdbus-c++/sdbus-c++.h>
#include <thread>

#include "bluez.hpp"
#include "pneuma/drivers/ble/ble.hpp"
#include "pneuma/drivers/parsers/pmd.hpp"

namespace pneuma::drivers {
namespace {
using bluez::explain;
using bluez::lower;
using bluez::ManagedObjects;
using bluez::prop;

void collect(ManagedObjects const& objects, std::map<std::string, BleSeen>& seen) {
  for (auto const& [path, ifaces] : objects) {
    const auto dev = ifaces.find("org.bluez.Device1");
    if (dev == ifaces.end()) continue;
    const auto uuids = prop<std::vector<std::string>>(dev->second, "UUIDs").value_or(std::vector<std::string>{});
    bool hr = false, pmd = false;
    for (auto const& u : uuids) {
      hr = hr || lower(u) == kHeartRateServiceUuid;
      pmd = pmd || lower(u) == kPmdServiceUuid;
    }
    if (!hr) continue; // BlueZ merges filters of all clients: check ours ourselves
    BleSeen s;
    s.address = prop<std::string>(dev->second, "Address").value_or("?");
    s.name = prop<std::string>(dev->second, "Alias").value_or(prop<std::string>(dev->second, "Name").value_or(""));
    s.rssi = prop<std::int16_t>(dev->second, "RSSI").value_or(0);
    s.connected = prop<bool>(dev->second, "Connected").value_or(false);
    s.pmd = pmd;
    if (const auto battery = ifaces.find("org.bluez.Battery1"); battery != ifaces.end())
      s.battery_pct = prop<std::uint8_t>(battery->second, "Percentage").value_or(-1);
    seen[s.address] = s;
  }
}
} // namespace

BleScanResult ble_scan(double seconds, std::function<void(double)> const& progress) {
  return ble_scan(seconds, progress, std::stop_token{});
}

BleScanResult ble_scan(double seconds, std::function<void(double)> const& progress, std::stop_token stop) {
  BleScanResult result;
  std::unique_ptr<sdbus::IConnection> connection;
  try {
    connection = sdbus::createSystemBusConnection();
  } catch (sdbus::Error const& e) {
    result.error = "no system D-Bus, so no BlueZ: " + e.getMessage();
    return result;
  }
  std::map<std::string, BleSeen> seen;
  std::unique_ptr<sdbus::IProxy> adapter;
  bool discovering = false;
  try {
    auto root = sdbus::createProxy(*connection, "org.bluez", "/");
    ManagedObjects objects;
    root->callMethod("GetManagedObjects").onInterface("org.freedesktop.DBus.ObjectManager")
        .withTimeout(std::chrono::seconds(3)).storeResultsTo(objects);
    std::string adapter_path;
    bool powered = false;
    for (auto const& [path, ifaces] : objects)
      if (const auto a = ifaces.find("org.bluez.Adapter1"); a != ifaces.end() && adapter_path.empty()) {
        adapter_path = path;
        powered = prop<bool>(a->second, "Powered").value_or(true);
      }
    if (adapter_path.empty()) {
      result.error = "no Bluetooth adapter found (BlueZ runs, but sees no controller)";
      return result;
    }
    if (!powered) { // BlueZ would refuse StartDiscovery with NotReady: say it plainly first
      result.error = "the Bluetooth adapter is powered off (bluetoothctl power on)";
      return result;
    }
    collect(objects, seen);
    adapter = sdbus::createProxy(*connection, "org.bluez", adapter_path);
    std::map<std::string, sdbus::Variant> filter{
        {"UUIDs", sdbus::Variant(std::vector<std::string>{std::string(kHeartRateServiceUuid)})},
        {"Transport", sdbus::Variant(std::string("le"))}};
    adapter->callMethod("SetDiscoveryFilter").onInterface("org.bluez.Adapter1").withTimeout(std::chrono::seconds(3)).withArguments(filter);
    adapter->callMethod("StartDiscovery").onInterface("org.bluez.Adapter1").withTimeout(std::chrono::seconds(3));
    discovering = true;
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (progress) progress(std::min(1.0, elapsed / seconds));
      if (elapsed >= seconds || stop.stop_requested()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      while (connection->processPendingRequest()) {
      }
      objects.clear();
      root->callMethod("GetManagedObjects").onInterface("org.freedesktop.DBus.ObjectManager")
          .withTimeout(std::chrono::seconds(3)).storeResultsTo(objects);
      collect(objects, seen);
    }
  } catch (sdbus::Error const& e) {
    result.error = explain(e);
  }
  if (discovering) {
    try {
      adapter->callMethod("StopDiscovery").onInterface("org.bluez.Adapter1").withTimeout(std::chrono::seconds(2));
    } catch (sdbus::Error const&) {
    }
  }
  for (auto& [address, s] : seen) result.devices.push_back(s);
  std::sort(result.devices.begin(), result.devices.end(),
            [](BleSeen const& a, BleSeen const& b) { return a.rssi > b.rssi; });
  return result;
}

} // namespace pneuma::drivers
