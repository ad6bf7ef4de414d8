#pragma once
// LinkSupervisor: the life of a link to a device, apart from its transport. Shared by the byte
// links (serial, TCP, UDP; link/link_device) and the BLE strap (ble/), which keep only their
// transport (open/read; discovery, GATT, notifications) and report to it what happened.
//   connecting -> streaming -> (stalled | lost) -> reconnecting -> streaming ...
// * Backoff: after a failure or a loss the transport is reopened after backoff_min_s, doubling
//   up to backoff_max_s (wall seconds); streaming() starts the sequence over.
// * Stall watchdog: every watchdog_wall_s it looks at the silence since the last data(); one of
//   at least stall_after_s (session seconds) is a silent period: "stalled" once, and after
//   reopen_after_silent periods (when nonzero) the link is closed and reopened.
// * SignalGap: a loss or a stall marks a gap for every stream that was flowing; the next data()
//   sends one SignalGap per stream covering the silence, before the new data.
// * Status: every DeviceStatus goes out through status() as "<name>: <text>", so the supervisor
//   knows the state; counts of bad frames are reported at most once per report_every_s.
// * Stop: stop() only posts the shutdown to the io thread and returns (it never waits); the
//   transport's shutdown_link() (stop commands, close) then runs there. A device calls finish()
//   in its destructor so the shutdown happens even when the io thread never ran it.
// Time: the session Clock is injected and so are the two timers (SupervisorTimers; Asio
// steady_timers by default), so tests drive backoff and watchdog by hand, without sleeping.
// Thread contract: everything but stop() on the io thread (or before it runs); stop() from any
// thread; the device is destroyed after its io thread stopped, or on it. Nothing here throws
// after construction or allocates on the streaming path.

#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/device.hpp"

namespace pneuma::drivers {

/// The two one-shot timers of a supervisor, injected so tests control time.
class SupervisorTimers {
public:
  enum class Slot : std::uint8_t { retry = 0, watchdog = 1 };
  virtual ~SupervisorTimers() = default;
  /// Fires `slot` (LinkSupervisor::on_timer) after `wall_s` wall-clock seconds; re-arming
  /// replaces the pending expiry.
  virtual void arm(Slot slot, double wall_s) noexcept = 0;
  /// A cancelled slot does not fire.
  virtual void cancel(Slot slot) noexcept = 0;
};

/// What the supervisor asks of the transport it supervises (called on the io thread).
class SupervisedLink {
public:
  virtual ~SupervisedLink() = default;
  /// Try to open the link (again); report back with opened()/streaming(), or retry()/lost().
  virtual void open_link() noexcept = 0;
  /// Drop the link now: close handles, forget partial frames; later handlers must see it gone.
  virtual void close_link() noexcept = 0;
  /// Shutting down: send the device its stop commands (best effort), then close.
  virtual void shutdown_link() noexcept = 0;
};

struct SupervisorConfig {
  double backoff_min_s = 0.5;    ///< first wait before reopening (wall s), doubling...
  double backoff_max_s = 5.0;    ///< ...up to this
  int backoff_decimals = 1;      ///< "reconnecting in %.*f s"
  double watchdog_wall_s = 1.0;  ///< watchdog period (wall s)
  double stall_after_s = 1.0;    ///< silence (session s) that makes a watchdog period silent
  int reopen_after_silent = 0;   ///< silent periods before the link is reopened; 0 = never
  std::string stalled_text = "stalled: no data";
  double report_every_s = 10.0;  ///< count reports at most this often (session s)
};

class LinkSupervisor {
public:
  using State = DeviceStatus::State;
  /// `timers` null: Asio steady_timers on `executor`.
  LinkSupervisor(boost::asio::any_io_executor executor, Clock const& clock, std::string name,
                 SupervisorConfig config, SupervisedLink& link, SupervisorTimers* timers = nullptr);
  ~LinkSupervisor();
  LinkSupervisor(LinkSupervisor const&) = delete;
  LinkSupervisor& operator=(LinkSupervisor const&) = delete;

  // ---- lifecycle ----
  /// Streaming begins into `sink`: running() from now on.
  void begin(SampleSink& sink) noexcept;
  /// start() failed after begin(): not running, nothing to shut down.
  void abandon() noexcept { running_ = false; }
  /// Posts the shutdown to the io thread and returns at once. Any thread; idempotent.
  void stop() noexcept;
  /// Runs the shutdown now if it has not run (the device's destructor; or on the io thread).
  void finish() noexcept;
  [[nodiscard]] bool running() const noexcept { return running_; }

  // ---- what the transport reports ----
  /// The link is open (data may follow): the watchdog starts watching.
  void watch() noexcept;
  /// Data arrived at `now_s`: a pending gap goes out first.
  void data(double now_s) noexcept;
  /// Counts `now_s` as the last data without a gap (a link that just started to stream).
  void alive(double now_s) noexcept;
  /// Streaming (again): the backoff starts over; status `text`.
  void streaming(std::string_view text) noexcept;
  /// The link was lost: close it, mark a gap (when `gap`), status lost, reopen after the backoff.
  void lost(std::string_view why, bool gap = true) noexcept;
  /// Opening failed: close, status `state` (reconnecting, error), reopen after the backoff.
  void retry(State state, std::string_view why) noexcept;
  /// Which streams a gap covers (a strap's ECG only while it flows).
  void flowing(SignalGap::Stream stream, bool on) noexcept;

  // ---- status ----
  void status(State state, std::string_view text) noexcept;
  [[nodiscard]] State state() const noexcept { return state_; }
  [[nodiscard]] std::string_view name() const noexcept { return name_; }
  /// True, once per report_every_s at most, when the counts differ from the last report.
  [[nodiscard]] bool report_due(double now_s, std::uint64_t a, std::uint64_t b) noexcept;
  [[nodiscard]] double backoff_s() const noexcept { return backoff_s_; }
  [[nodiscard]] Clock const& clock() const noexcept { return clock_; }

  /// A timer fired (SupervisorTimers implementations call this on the io thread).
  void on_timer(SupervisorTimers::Slot slot) noexcept;

private:
  void schedule_retry() noexcept;
  void on_watchdog() noexcept;
  void mark_gap() noexcept;

  boost::asio::any_io_executor executor_;
  Clock const& clock_;
  std::string name_;
  SupervisorConfig config_;
  SupervisedLink& link_;
  std::unique_ptr<SupervisorTimers> own_timers_;
  SupervisorTimers& timers_;
  SampleSink* sink_ = nullptr;
  std::shared_ptr<LinkSupervisor*> self_; ///< posted shutdowns check it is still there
  std::atomic<bool> stop_requested_{false};
  bool running_ = false;
  State state_ = State::connecting;
  double backoff_s_ = 0;
  int silent_periods_ = 0;
  double last_data_s_ = 0;
  bool ever_data_ = false;
  std::array<bool, 5> flowing_{}; ///< by SignalGap::Stream
  std::array<bool, 5> gap_{};     ///< gap pending, by stream
  bool gap_pending_ = false;
  std::uint64_t reported_a_ = 0, reported_b_ = 0;
  double last_report_s_ = 0;
  bool reported_ = false;
};

} // namespace pneuma::drivers
