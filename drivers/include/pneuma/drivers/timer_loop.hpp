#pragma once
// The clock-paced loop of the generated sources (the simulated person, a replayed recording):
// every tick (10 ms live, 2 ms when the session clock runs more than 20x faster) it calls
// `tick(now_s)` with the session time, so the source emits everything up to now. Samples keep
// their own time grid however the timer jitters.
// Thread contract: start() before the io thread runs or on it; ticks run on the io thread;
// stop() from any thread, never blocks (a tick already running finishes; no further tick starts).

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>

#include "pneuma/drivers/clock.hpp"

namespace pneuma::drivers {

class TimerLoop {
public:
  using Tick = std::function<void(double now_s)>;
  TimerLoop(boost::asio::any_io_executor executor, Clock const& clock);
  ~TimerLoop();
  TimerLoop(TimerLoop const&) = delete;
  TimerLoop& operator=(TimerLoop const&) = delete;

  /// Starts ticking; `tick` must not throw.
  void start(Tick tick);
  void stop() noexcept;
  [[nodiscard]] bool running() const noexcept { return running_.load(); }
  [[nodiscard]] Clock const& clock() const noexcept { return clock_; }

private:
  void schedule() noexcept;

  boost::asio::steady_timer timer_;
  Clock const& clock_;
  Tick tick_;
  std::atomic<bool> running_{false};
};

} // namespace pneuma::drivers
