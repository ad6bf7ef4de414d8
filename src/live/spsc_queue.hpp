#pragma once
// Single-producer / single-consumer queue of fixed capacity (Boost.Lockfree spsc_queue):
// wait-free, no allocation after construction.
// Producer: one thread only (the io thread). Consumer: one thread only (the dsp thread).

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstdint>

namespace pneuma::app {

template <class T> class SpscQueue {
public:
  explicit SpscQueue(std::size_t capacity) : queue_(capacity) {}

  /// Producer only. Never blocks; a full queue returns false and counts the drop.
  [[nodiscard]] bool try_push(T const& value) noexcept {
    if (queue_.push(value)) return true;
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  /// Consumer only. Calls f(value) for everything queued now; returns how many.
  template <class F> std::size_t drain(F&& f) noexcept {
    return queue_.consume_all(std::forward<F>(f));
  }
  /// Consumer only.
  bool try_pop(T& out) noexcept { return queue_.pop(out); }

  [[nodiscard]] std::uint64_t dropped() const noexcept {
    return dropped_.load(std::memory_order_relaxed);
  }

private:
  boost::lockfree::spsc_queue<T> queue_;
  std::atomic<std::uint64_t> dropped_{0};
};

} // namespace pneuma::app
