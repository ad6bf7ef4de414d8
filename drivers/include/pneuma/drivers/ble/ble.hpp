#pragma once
// BLE heart-rate straps through BlueZ over the system D-Bus (sdbus-c++ 1.2; protocols.md §1-3).
//
// Any strap with the Heart Rate service (0x180D): 0x2A37 notifications -> HeartRate + RrInterval,
// Battery Level (0x2A19) read and, where offered, notified. A Polar H10 (PMD service) also streams
// ECG at 130 Hz and, on request, ACC: both notifications subscribed before the START command,
// the control point's answer checked, device clock mapped onto the session clock (offset + drift,
// re-anchored on a clock reset), and STOP sent on shutdown (an H10 streams until its battery
// dies otherwise).
// Client sequence (protocols.md §3.3): find the device (GetManagedObjects, else discovery with a
// UUID filter), Connect, wait for ServicesResolved, find characteristics BY UUID under the device
// path, add the PropertiesChanged match, then StartNotify. Connected/ServicesResolved false,
// InterfacesRemoved, or a bluetoothd restart (NameOwnerChanged) = link lost: back off (1 s
// doubling to 10 s) and start again from the top, so new object paths are found again.
// Runs on the io thread: the sd-bus connection's fd is watched by Asio. Calls that travel to the
// strap (Connect, StartNotify, ReadValue, WriteValue) are asynchronous; only calls answered by
// bluetoothd itself (GetManagedObjects, discovery) and the shutdown sequence wait, with a 3 s cap.
// D-Bus messages are decoded by sdbus-c++, which allocates per message; the parsers do not.
// Backoff, the stall watchdog (stall_s), gaps and statuses are the LinkSupervisor's, the PMD
// start/stop the PmdStartSequence's; stop() posts the shutdown and returns at once.

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/source_spec.hpp"

namespace pneuma::drivers {

inline constexpr std::string_view kHeartRateServiceUuid = "0000180d-0000-1000-8000-00805f9b34fb";

struct BleConfig {
  std::string address;      ///< "AA:BB:CC:DD:EE:FF"; empty = the first strap advertising 0x180D
  bool ecg = true;          ///< Polar PMD ECG at 130 Hz when the strap has PMD
  bool acc = false;         ///< Polar PMD ACC (200 Hz, 16 bit, ±8 G)
  bool ppi = true;          ///< Polar PMD PPI (optical beats: Verity Sense, OH1) when offered
  double backoff_min_s = 1;
  double backoff_max_s = 10;
  double connect_timeout_s = 20;
  double stall_s = 4;       ///< no notification for this long = stalled (HR comes at 1 Hz)
  double pmd_answer_s = 5;  ///< a PMD START unanswered this long is given up (sensors answer in ~0.1 s)
};

/// `ble:auto` / `ble:AA:BB:CC:DD:EE:FF` with options ecg=0|1, acc=0|1, ppi=0|1. Throws
/// std::invalid_argument.
BleConfig ble_config_from_spec(SourceSpec const& spec);

/// The strap device. start() throws std::runtime_error when there is no system D-Bus at all;
/// everything else (no BlueZ, no adapter, strap out of range) is reported as status and retried.
std::unique_ptr<Device> make_ble_strap(boost::asio::any_io_executor executor, Clock const& clock,
                                       BleConfig config);

struct BleSeen {
  std::string address;
  std::string name;
  short rssi = 0;
  bool connected = false;
  bool pmd = false; ///< Polar Measurement Data (ECG/ACC) offered
  int battery_pct = -1; ///< BlueZ's Battery1 (known once BlueZ has read it from the strap); -1 unknown
};

struct BleScanResult {
  std::vector<BleSeen> devices;
  std::string error; ///< one line; empty on success
};

/// Scans `seconds` for devices advertising 0x180D (BlueZ discovery with a UUID filter, LE).
/// `progress(fraction)` is called a few times a second. Never throws.
BleScanResult ble_scan(double seconds, std::function<void(double)> const& progress);
/// The same, ending early (with what was seen so far) once `stop` is requested.
BleScanResult ble_scan(double seconds, std::function<void(double)> const& progress, std::stop_token stop);

} // namespace pneuma::drivers
