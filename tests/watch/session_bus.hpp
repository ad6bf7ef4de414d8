#pragma once
// A private session bus (`dbus-daemon --session --print-address`) for the watch's tests, with
// python-dbusmock's notification_daemon template when asked: the fixture starts and stops its
// own daemon and mock by pid and points DBUS_SESSION_BUS_ADDRESS at the private bus.

#include <chrono>
#include <fstream>
#include <sdbus-c++/sdbus-c++.h>
#include <string>
#include <thread>

#include "drivers/dbus_mock_support.hpp" // spawn, reap, TempDir

namespace pneuma::test {

/// The whole text of a file ("" when absent).
inline std::string slurp(std::filesystem::path const& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// Waits up to `timeout` for `ok()`; returns its last value.
template <class F> bool wait_for(F&& ok, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!ok()) {
    if (std::chrono::steady_clock::now() > end) return ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class SessionBus {
public:
  static constexpr const char* kMock = "org.freedesktop.DBus.Mock";

  static std::string missing() { return MockBluez::missing(); }

  explicit SessionBus(bool notification_daemon) {
    const auto address_file = dir_.path() / "address";
    daemon_ = spawn({"/usr/bin/dbus-daemon", "--session", "--nofork", "--print-address"}, address_file.string());
    wait_for([&] { return slurp(address_file).find('\n') != std::string::npos; }, std::chrono::seconds(10));
    address_ = slurp(address_file);
    address_ = address_.substr(0, address_.find('\n'));
    if (address_.empty()) throw std::runtime_error("private dbus-daemon did not start");
    setenv("DBUS_SESSION_BUS_ADDRESS", address_.c_str(), 1);
    control_ = sdbus::createSessionBusConnection();
    if (notification_daemon) {
      mock_ = spawn({"/usr/bin/python3", "-m", "dbusmock", "--session", "--template", "notification_daemon"}, log());
      auto bus = sdbus::createProxy(*control_, "org.freedesktop.DBus", "/org/freedesktop/DBus");
      const bool up = wait_for(
          [&] {
            bool owned = false;
            bus->callMethod("NameHasOwner").onInterface("org.freedesktop.DBus")
                .withArguments(std::string("org.freedesktop.Notifications")).storeResultsTo(owned);
            return owned;
          },
          std::chrono::seconds(20));
      if (!up) throw std::runtime_error("dbusmock notification_daemon did not start; see " + log());
      notifications_ = sdbus::createProxy(*control_, "org.freedesktop.Notifications", "/org/freedesktop/Notifications");
    }
  }
  ~SessionBus() {
    notifications_.reset();
    reap(mock_);
    control_.reset();
    reap(daemon_);
    unsetenv("DBUS_SESSION_BUS_ADDRESS");
  }

  /// The mock's recorded calls of `method`: (timestamp, arguments) each.
  std::size_t calls(std::string const& method) {
    std::vector<sdbus::Struct<std::uint64_t, std::vector<sdbus::Variant>>> out;
    notifications_->callMethod("GetMethodCalls").onInterface(kMock).withArguments(method).storeResultsTo(out);
    return out.size();
  }
  /// The summary (4th argument) of the last Notify call.
  std::string last_summary() {
    std::vector<sdbus::Struct<std::uint64_t, std::vector<sdbus::Variant>>> out;
    notifications_->callMethod("GetMethodCalls").onInterface(kMock).withArguments(std::string("Notify")).storeResultsTo(out);
    if (out.empty()) return {};
    auto const& args = std::get<1>(out.back());
    return args.size() > 3 ? args[3].get<std::string>() : std::string();
  }
  /// The daemon emits ActionInvoked(id, key), as a person clicking the action would make it.
  void invoke_action(std::uint32_t id, std::string const& key) {
    notifications_->callMethod("EmitSignal").onInterface(kMock)
        .withArguments(std::string("org.freedesktop.Notifications"), std::string("ActionInvoked"), std::string("us"),
                       std::vector<sdbus::Variant>{sdbus::Variant(id), sdbus::Variant(key)});
  }

  [[nodiscard]] std::string log() const { return (dir_.path() / "mock.log").string(); }

private:
  TempDir dir_;
  std::string address_;
  pid_t daemon_ = -1;
  pid_t mock_ = -1;
  std::unique_ptr<sdbus::IConnection> control_;
  std::unique_ptr<sdbus::IProxy> notifications_;
};

} // namespace pneuma::test
