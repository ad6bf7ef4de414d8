#pragma once
// Desktop notifications through org.freedesktop.Notifications on the session bus (Desktop
// Notifications Specification 1.2), with sdbus-c++:
//   Notify(s app_name, u replaces_id, s app_icon, s summary, s body, as actions, a{sv} hints,
//          i expire_timeout) -> u id
//   signal ActionInvoked(u id, s action_key)
//   signal NotificationClosed(u id, u reason)   reason 1 expired, 2 dismissed, 3 closed by call
// Actions are pairs of key and label: "start" "Start now", "later" "Later".
// Without a session bus or a notification service the notifier says so once (one line on the
// error stream) and `available()` turns false: the caller prints reminders on stdout instead.
// Thread contract: one thread; `poll()` dispatches the signals to the handler on that thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace pneuma::watch {

struct NotificationEvent {
  enum class Kind { action, closed };
  Kind kind = Kind::action;
  std::uint32_t id = 0;
  std::string action;        ///< "start" | "later" (action)
  std::uint32_t reason = 0;  ///< closed: 1 expired, 2 dismissed, 3 closed by call, 4 undefined
};

class Notifier {
public:
  using Handler = std::function<void(NotificationEvent const&)>;
  /// Connects to the session bus; never throws (no bus: unavailable, said once on `err`).
  Notifier(Handler handler, std::ostream& err);
  ~Notifier();
  Notifier(Notifier const&) = delete;
  Notifier& operator=(Notifier const&) = delete;

  [[nodiscard]] bool available() const noexcept { return available_; }
  /// Shows a notification with "Start now" and "Later"; nullopt when it could not (then
  /// `available()` is false and the reason was said once).
  std::optional<std::uint32_t> notify(std::string const& summary, std::string const& body);
  /// Dispatches pending signals; waits up to `wait` for bus traffic (0: only what is there).
  void poll(std::chrono::milliseconds wait);

private:
  void unavailable(std::string const& why);
  struct Bus;
  std::unique_ptr<Bus> bus_;
  Handler handler_;
  std::ostream& err_;
  bool available_ = false;
  bool said_ = false;
};

} // namespace pneuma::watch
