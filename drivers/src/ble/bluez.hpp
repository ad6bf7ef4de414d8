#pragma once
// BlueZ over sdbus-c++: names, property access and error texts shared by the strap's parts.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <sdbus-c++/sdbus-c++.h>
#include <string>
#include <string_view>
#include <vector>

namespace pneuma::drivers::bluez {

using Properties = std::map<std::string, sdbus::Variant>;
using Interfaces = std::map<std::string, Properties>;
using ManagedObjects = std::map<sdbus::ObjectPath, Interfaces>;

inline constexpr const char* kBluez = "org.bluez";
inline constexpr const char* kObjectManager = "org.freedesktop.DBus.ObjectManager";
inline constexpr const char* kPropertiesIface = "org.freedesktop.DBus.Properties";
inline constexpr const char* kAdapterIface = "org.bluez.Adapter1";
inline constexpr const char* kDeviceIface = "org.bluez.Device1";
inline constexpr const char* kCharIface = "org.bluez.GattCharacteristic1";
inline constexpr std::string_view kHrMeasurementUuid = "00002a37-0000-1000-8000-00805f9b34fb";
inline constexpr std::string_view kBatteryLevelUuid = "00002a19-0000-1000-8000-00805f9b34fb";
/// Calls answered by bluetoothd itself (not by the strap) wait at most this long.
inline constexpr auto kCallTimeout = std::chrono::seconds(3);

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <class T> std::optional<T> prop(Properties const& p, std::string const& key) {
  const auto it = p.find(key);
  if (it == p.end() || !it->second.containsValueOfType<T>()) return std::nullopt;
  return it->second.get<T>();
}

inline bool has_uuid(Properties const& device, std::string_view uuid) {
  const auto uuids = prop<std::vector<std::string>>(device, "UUIDs");
  if (!uuids) return false;
  return std::any_of(uuids->begin(), uuids->end(), [&](std::string const& u) { return lower(u) == uuid; });
}

/// One line for a D-Bus error, saying what the user can do (the strap and `pneuma devices` alike).
inline std::string explain(sdbus::Error const& e) {
  const std::string& name = e.getName();
  if (name == "org.freedesktop.DBus.Error.ServiceUnknown" || name == "org.freedesktop.DBus.Error.NameHasNoOwner")
    return "BlueZ (bluetoothd) is not running; install and start bluez to use BLE straps";
  if (name == "org.freedesktop.DBus.Error.AccessDenied" || name == "org.bluez.Error.NotAuthorized" ||
      name == "org.bluez.Error.NotPermitted")
    return "permission denied by BlueZ (is your user allowed to use Bluetooth?)";
  if (name == "org.bluez.Error.NotReady") return "the Bluetooth adapter is powered off (bluetoothctl power on)";
  if (name == "org.freedesktop.DBus.Error.NoReply" || name == "org.freedesktop.DBus.Error.Timeout" ||
      name == "org.bluez.Error.Failed")
    return "no answer from the strap (" + e.getMessage() + ")";
  return name + ": " + e.getMessage();
}

inline std::chrono::steady_clock::duration secs(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

} // namespace pneuma::drivers::bluez
