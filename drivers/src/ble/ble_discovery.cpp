// Step 1 of the BLE strap: find it among BlueZ's objects (GetManagedObjects), else scan for it
// (discovery with a UUID filter, LE), and watch the bus: InterfacesAdded/Removed, bluetoothd
// restarting (NameOwnerChanged). What is found goes on to ble_gatt.cpp (connect or resolve).
#include "ble_strap.hpp"

namespace pneuma::drivers::ble {
using namespace bluez;

void BleStrap::ensure_bus_proxies() {
  if (root_) return;
  root_ = sdbus::createProxy(*connection_, kBluez, "/");
  root_->uponSignal("InterfacesAdded").onInterface(kObjectManager).call(
      [this](sdbus::ObjectPath const& path, Interfaces const& ifaces) { on_added(path, ifaces); });
  root_->uponSignal("InterfacesRemoved").onInterface(kObjectManager).call(
      [this](sdbus::ObjectPath const& path, std::vector<std::string> const&) { on_removed(path); });
  root_->finishRegistration();
  bus_ = sdbus::createProxy(*connection_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  bus_->uponSignal("NameOwnerChanged").onInterface("org.freedesktop.DBus").call(
      [this](std::string const& name, std::string const&, std::string const&) {
        if (name == kBluez) later([this] { lost("bluetoothd restarted", true); });
      });
  bus_->finishRegistration();
}

ManagedObjects BleStrap::managed_objects() {
  ManagedObjects objects;
  root_->callMethod("GetManagedObjects").onInterface(kObjectManager).withTimeout(kCallTimeout).storeResultsTo(objects);
  return objects;
}

bool BleStrap::matches(Properties const& device) const {
  if (!config_.address.empty()) {
    const auto address = prop<std::string>(device, "Address");
    return address && lower(*address) == config_.address;
  }
  return has_uuid(device, kHeartRateServiceUuid);
}

void BleStrap::begin() noexcept {
  if (!supervisor_.running()) return;
  find_or_scan();
  if (loop_) loop_->kick(); // calls went out: dispatch what came back meanwhile
}

void BleStrap::find_or_scan() noexcept {
  ++generation_;
  try {
    ensure_bus_proxies();
    const auto objects = managed_objects();
    std::string adapter;
    for (auto const& [path, ifaces] : objects) {
      if (ifaces.count(kAdapterIface) && adapter.empty()) adapter = path;
      const auto dev = ifaces.find(kDeviceIface);
      if (dev == ifaces.end() || !matches(dev->second)) continue;
      device_path_ = path;
      {
        const auto address = prop<std::string>(dev->second, "Address").value_or("?");
        const auto alias = prop<std::string>(dev->second, "Alias").value_or(prop<std::string>(dev->second, "Name").value_or(""));
        strap_label_ = alias.empty() ? address : alias + " (" + address + ")";
      }
      adapter_path_ = prop<sdbus::ObjectPath>(dev->second, "Adapter").value_or(sdbus::ObjectPath(adapter));
      stop_discovery();
      const bool connected = prop<bool>(dev->second, "Connected").value_or(false);
      const bool resolved = prop<bool>(dev->second, "ServicesResolved").value_or(false);
      watch_device();
      if (connected && resolved) resolve();
      else connect();
      return;
    }
    if (adapter.empty()) {
      retry("no Bluetooth adapter found");
      return;
    }
    if (!discovering_) {
      adapter_ = sdbus::createProxy(*connection_, kBluez, adapter);
      std::map<std::string, sdbus::Variant> filter{
          {"UUIDs", sdbus::Variant(std::vector<std::string>{std::string(kHeartRateServiceUuid)})},
          {"Transport", sdbus::Variant(std::string("le"))}};
      adapter_->callMethod("SetDiscoveryFilter").onInterface(kAdapterIface).withTimeout(kCallTimeout).withArguments(filter);
      adapter_->callMethod("StartDiscovery").onInterface(kAdapterIface).withTimeout(kCallTimeout);
      discovering_ = true;
      supervisor_.status(State::connecting, config_.address.empty() ? "scanning for a heart-rate strap"
                                                        : "scanning for the strap");
    }
    after(1.0, [this] { begin(); }); // InterfacesAdded usually comes first
  } catch (sdbus::Error const& e) {
    retry(explain(e));
  }
}

void BleStrap::stop_discovery() noexcept {
  if (!discovering_ || !adapter_) return;
  discovering_ = false;
  try {
    adapter_->callMethod("StopDiscovery").onInterface(kAdapterIface).withTimeout(kCallTimeout);
  } catch (sdbus::Error const&) { // already stopped, or BlueZ went away
  }
}

void BleStrap::on_added(sdbus::ObjectPath const&, Interfaces const& ifaces) {
  if (phase_ != Phase::searching) return;
  const auto dev = ifaces.find(kDeviceIface);
  if (dev != ifaces.end() && matches(dev->second)) later([this] { begin(); });
}

void BleStrap::on_removed(sdbus::ObjectPath const& path) {
  if (phase_ == Phase::searching || device_path_.empty()) return;
  const bool ours = path == device_path_ || path == hr_.path || path == pmd_cp_.path || path == pmd_data_.path;
  if (ours) later([this, gen = generation_] { if (gen == generation_) lost("device or its services went away", false); });
}

} // namespace pneuma::drivers::ble
