#pragma once
// A private system bus with python-dbusmock playing bluetoothd (tests/mocks/bluez_gatt.py):
// the fixture starts and stops its own dbus-daemon and mock, by pid, and points
// DBUS_SYSTEM_BUS_ADDRESS (read by sdbus-c++'s createSystemBusConnection) at the private bus.

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <sdbus-c++/sdbus-c++.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "drivers/link_support.hpp"

extern char** environ;

namespace pneuma::test {

inline pid_t spawn(std::vector<std::string> args, std::string const& log) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

inline void reap(pid_t& pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  pid = -1;
}

class MockBluez {
public:
  static constexpr const char* kMockIface = "org.pneuma.MockGatt";

  /// Why the fixture cannot run here, or empty.
  static std::string missing() {
    if (access("/usr/bin/python3", X_OK) != 0) return "/usr/bin/python3 not found";
    if (access("/usr/bin/dbus-daemon", X_OK) != 0) return "dbus-daemon not found";
    if (access("/usr/lib/python3/dist-packages/dbusmock/__init__.py", R_OK) != 0)
      return "python3-dbusmock not installed (scripts/setup.sh installs it)";
    return {};
  }

  MockBluez() {
    const auto conf = dir_.path() / "bus.conf";
    socket_ = (dir_.path() / "system_bus_socket").string();
    std::ofstream(conf) << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
                           "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                           "<busconfig><type>session</type><listen>unix:path="
                        << socket_
                        << "</listen><policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                           "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n";
    daemon_ = spawn({"/usr/bin/dbus-daemon", "--nofork", "--config-file=" + conf.string()}, log());
    for (int i = 0; i < 300 && !std::filesystem::exists(socket_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    address_ = "unix:path=" + socket_;
    setenv("DBUS_SYSTEM_BUS_ADDRESS", address_.c_str(), 1);
    for (int i = 0; i < 300 && !control_; ++i) { // the socket file appears before listen()
      try {
        control_ = sdbus::createSystemBusConnection();
      } catch (sdbus::Error const&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    if (!control_) throw std::runtime_error("private dbus-daemon did not start; see " + log());
    start_bluetoothd();
  }
  ~MockBluez() {
    if (std::getenv("PNEUMA_KEEP_MOCK_LOG")) std::filesystem::copy_file(log(), std::getenv("PNEUMA_KEEP_MOCK_LOG"), std::filesystem::copy_options::overwrite_existing);
    reap(mock_);
    control_.reset();
    reap(daemon_);
    unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  }

  void start_bluetoothd(bool with_adapter = true) {
    mock_ = spawn({"/usr/bin/python3", "-m", "dbusmock", "--system", "--template",
                   std::string(PNEUMA_SOURCE_DIR) + "/tests/mocks/bluez_gatt.py"},
                  log());
    auto bus = sdbus::createProxy(*control_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
    for (int i = 0; i < 500; ++i) {
      bool owned = false;
      bus->callMethod("NameHasOwner").onInterface("org.freedesktop.DBus").withArguments(std::string("org.bluez")).storeResultsTo(owned);
      if (owned) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    root_ = sdbus::createProxy(*control_, "org.bluez", "/");
    if (with_adapter) {
      std::string path;
      root_->callMethod("AddAdapter").onInterface("org.bluez.Mock").withArguments(std::string("hci0"), std::string("laptop")).storeResultsTo(path);
    }
  }
  void kill_bluetoothd() {
    root_.reset();
    reap(mock_);
  }

  std::string add_strap(std::string const& address, std::string const& name, bool pmd) {
    sdbus::ObjectPath path;
    root_->callMethod("AddStrap").onInterface(kMockIface).withArguments(std::string("hci0"), address, name, pmd).storeResultsTo(path);
    return path;
  }
  bool notify(std::string const& device, std::string const& uuid, std::vector<std::uint8_t> const& value) {
    bool delivered = false;
    root_->callMethod("Notify").onInterface(kMockIface).withArguments(sdbus::ObjectPath(device), uuid, value).storeResultsTo(delivered);
    return delivered;
  }
  /// A burst of notifications of one characteristic; how many were delivered.
  std::uint32_t notify_many(std::string const& device, std::string const& uuid,
                            std::vector<std::vector<std::uint8_t>> const& values) {
    std::uint32_t delivered = 0;
    root_->callMethod("NotifyMany").onInterface(kMockIface).withArguments(sdbus::ObjectPath(device), uuid, values).storeResultsTo(delivered);
    return delivered;
  }
  /// Retries until the driver has subscribed (Notify is refused until StartNotify).
  bool notify_when_ready(std::string const& device, std::string const& uuid, std::vector<std::uint8_t> const& value) {
    for (int i = 0; i < 500; ++i) {
      if (notify(device, uuid, value)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  void drop_link(std::string const& device) {
    root_->callMethod("DropLink").onInterface(kMockIface).withArguments(sdbus::ObjectPath(device));
  }
  void set_control_point_status(std::uint8_t status) {
    root_->callMethod("SetControlPointStatus").onInterface(kMockIface).withArguments(status);
  }
  /// The status a START of `type` is answered with (others: set_control_point_status's).
  void set_start_status(std::uint8_t type, std::uint8_t status) {
    root_->callMethod("SetStartStatus").onInterface(kMockIface).withArguments(type, status);
  }
  /// What a read of the PMD control point returns from the next connect on (`0F` + bitmask).
  void set_pmd_features(std::vector<std::uint8_t> const& features) {
    root_->callMethod("SetPmdFeatures").onInterface(kMockIface).withArguments(features);
  }
  std::vector<std::vector<std::uint8_t>> writes(std::string const& device) {
    std::vector<std::vector<std::uint8_t>> w;
    root_->callMethod("GetWrites").onInterface(kMockIface).withArguments(sdbus::ObjectPath(device)).storeResultsTo(w);
    return w;
  }
  /// Paths of the GATT characteristics currently exported under `device`.
  std::vector<std::string> characteristic_paths(std::string const& device) {
    std::map<sdbus::ObjectPath, std::map<std::string, std::map<std::string, sdbus::Variant>>> objects;
    root_->callMethod("GetManagedObjects").onInterface("org.freedesktop.DBus.ObjectManager").storeResultsTo(objects);
    std::vector<std::string> out;
    for (auto const& [path, ifaces] : objects)
      if (ifaces.count("org.bluez.GattCharacteristic1") && path.rfind(device, 0) == 0) out.push_back(path);
    return out;
  }
  [[nodiscard]] std::string const& address() const noexcept { return address_; }
  [[nodiscard]] std::string log() const { return (dir_.path() / "mock.log").string(); }

private:
  TempDir dir_;
  std::string socket_;
  std::string address_;
  pid_t daemon_ = -1;
  pid_t mock_ = -1;
  std::unique_ptr<sdbus::IConnection> control_;
  std::unique_ptr<sdbus::IProxy> root_;
};

} // namespace pneuma::test
