#include "pneuma/drivers/timer_loop.hpp"

#include <chrono>

namespace pneuma::drivers {

TimerLoop::TimerLoop(boost::asio::any_io_executor executor, Clock const& clock)
    : timer_(std::move(executor)), clock_(clock) {}

void TimerLoop::start(Tick tick) {
  tick_ = std::move(tick);
  running_ = true;
  schedule();
}

void TimerLoop::stop() noexcept {
  // Only the flag: the timer belongs to the io thread (touching it here would race with
  // schedule()), and the pending wait ends within one period, sees the flag and stops.
  running_ = false;
}

TimerLoop::~TimerLoop() {
  running_ = false;
  try {
    timer_.cancel(); // the io thread is stopped by now (Pipeline: devices, io thread, then destroy)
  } catch (...) { // cancel() reports only OS failures; nothing is left to clean up
  }
}

void TimerLoop::schedule() noexcept {
  if (!running_) return;
  // Fine ticks at high speed keep the data close to the clock; 10 ms live.
  const auto period = clock_.speed() > 20 ? std::chrono::milliseconds(2)
                                          : std::chrono::milliseconds(10);
  timer_.expires_after(period);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    tick_(clock_.now_s());
    schedule();
  });
}

} // namespace pneuma::drivers
