#pragma once
// What can be connected now, found off the caller's thread: BLE heart-rate straps in range
// (drivers' BlueZ discovery: name, signal, battery) and serial ports (with their stable
// /dev/serial/by-id names and whether this user may open them). The start screen asks for a scan
// and reads snapshots each frame; it never waits: the scan runs on a thread of its own, and
// stopping it (a new scan, or the destructor) cancels BlueZ discovery within a quarter second.
// Thread contract: start()/snapshot() from one thread (the UI); the worker only writes the
// snapshot under a mutex held for a copy.

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pneuma/drivers/ble/ble.hpp"

namespace pneuma::app {

struct SerialPort {
  std::string path;   ///< /dev/ttyUSB0
  std::string by_id;  ///< /dev/serial/by-id/usb-FTDI_..., empty when it has none
  bool permitted = true; ///< this user may read and write it
  std::string group;  ///< the group that may (dialout on Debian), when not permitted
};

/// The serial ports on this machine (ttyUSB, ttyACM, rfcomm, ttyAMA), sorted by path.
std::vector<SerialPort> list_serial_ports();

struct DeviceScanSnapshot {
  bool scanning = false;
  double progress = 0;                 ///< 0..1 of the BLE scan
  std::vector<drivers::BleSeen> straps; ///< strongest signal first
  std::string ble_error;               ///< one line when BLE cannot be used; empty otherwise
  std::vector<SerialPort> ports;
  int generation = 0;                  ///< counts finished scans (0: none yet)
};

class DeviceScan {
public:
  DeviceScan() = default;
  ~DeviceScan();
  DeviceScan(DeviceScan const&) = delete;
  DeviceScan& operator=(DeviceScan const&) = delete;

  /// Starts a scan of `ble_seconds` (0: serial ports only); a scan running is cancelled first.
  void start(double ble_seconds);
  /// The latest results (a copy).
  [[nodiscard]] DeviceScanSnapshot snapshot() const;

private:
  void run(std::stop_token stop, double seconds);
  mutable std::mutex mutex_;
  DeviceScanSnapshot shared_;
  std::jthread worker_;
};

} // namespace pneuma::app
