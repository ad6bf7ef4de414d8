#pragma once
// Trying a source before the session starts: open it in a pipeline of its own, watch its status
// and its data, and decide: ready (data arrives: a heart strap's beats, a belt's samples), or
// failed with the device's own last words (the start screen turns them into plain ones). The
// session then opens the source afresh, so a failed try never leaves a recording behind.
// The pipeline is built, started and stopped on a thread of its own (a BLE shutdown may take up
// to 3 s): the caller (the UI) only polls, and never waits. A trial given up (the person goes back)
// is stopped by its destructor's thread join after the stop was requested early by cancel().
// Thread contract: construct, poll(), cancel() and the destructor from one thread (the UI).

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "live/metrics.hpp"
#include "pneuma/drivers/source_spec.hpp"

namespace pneuma::app {

class Pipeline;

struct TrialState {
  enum class Phase : std::uint8_t { connecting, ready, failed };
  Phase phase = Phase::connecting;
  double elapsed_s = 0;          ///< since the try began
  drivers::DeviceStatus status{}; ///< the device's latest status
  std::string failure;           ///< why it failed: the device's message, or what was missing
  bool streaming_without_data = false; ///< streams but sends no beats (no skin contact)
  double hr_bpm = kUnknown;
  int battery_pct = -1;
};

struct TrialLimits {
  double connect_s = 25;   ///< no stream by then: failed (a strap is found and connected in 2-10 s)
  double data_s = 12;      ///< streaming but no beats / samples by then: failed (an H10 sends its
                           ///< first RR within ~5 s of skin contact)
  double fatal_after_s = 2; ///< a device error that retrying will not mend (no adapter, no BlueZ,
                           ///< no permission) fails after this long instead of waiting connect_s
};

class ConnectionTrial {
public:
  /// Starts trying at once (on its own thread). `heart`: ready only once beats arrive.
  ConnectionTrial(drivers::SourceSpec spec, bool heart, TrialLimits limits = {});
  ~ConnectionTrial();
  ConnectionTrial(ConnectionTrial const&) = delete;
  ConnectionTrial& operator=(ConnectionTrial const&) = delete;

  /// The state now (UI thread). Once ready or failed it stays so; the device is then being
  /// closed, and finished() says when it is.
  TrialState const& poll();
  /// The device is closed: the session may open it.
  [[nodiscard]] bool finished() const noexcept { return finished_.load(); }

  /// Does the message say retrying cannot help (no BlueZ, no adapter, powered off, no permission)?
  static bool hopeless(std::string_view message) noexcept;

private:
  void run(std::stop_token stop);
  drivers::SourceSpec spec_;
  bool heart_;
  TrialLimits limits_;
  TrialState state_;
  Metrics metrics_;
  std::unique_ptr<Pipeline> pipeline_;
  std::atomic<bool> started_{false};  ///< the pipeline runs: its mailbox may be read
  std::atomic<bool> decided_{false};  ///< ready or failed: the worker closes the device
  std::atomic<bool> finished_{false};
  std::string start_error_;           ///< written by the worker before finished_
  std::atomic<bool> start_failed_{false};
  double begun_s_ = 0;
  double streaming_since_s_ = -1;
  std::jthread worker_;
};

} // namespace pneuma::app
