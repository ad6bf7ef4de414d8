#pragma once
// Latest-value mailbox (triple buffer): one writer publishes whole values, one reader always gets
// the newest complete one. Neither side ever waits. T must be trivially copyable.

#include <array>
#include <atomic>
#include <cstdint>
#include <type_traits>

namespace pneuma::app {

template <class T> class Mailbox {
  static_assert(std::is_trivially_copyable_v<T>);

public:
  /// Writer thread only.
  void publish(T const& value) noexcept {
    buffers_[write_] = value;
    // Hand the written buffer over, marked fresh; take back whichever buffer was in the middle.
    const std::uint8_t previous = middle_.exchange(static_cast<std::uint8_t>(write_ | kFresh),
                                                   std::memory_order_acq_rel);
    write_ = previous & kIndex;
  }
  /// Reader thread only. Returns false when nothing new arrived since the last call
  /// (out then still holds the last value read).
  bool read(T& out) noexcept {
    if ((middle_.load(std::memory_order_relaxed) & kFresh) != 0) {
      const std::uint8_t previous = middle_.exchange(read_, std::memory_order_acq_rel);
      read_ = previous & kIndex;
      out = buffers_[read_];
      has_value_ = true;
      return true;
    }
    if (has_value_) out = buffers_[read_];
    return false;
  }

private:
  static constexpr std::uint8_t kFresh = 0x4;
  static constexpr std::uint8_t kIndex = 0x3;
  std::array<T, 3> buffers_{};
  std::atomic<std::uint8_t> middle_{1};
  std::uint8_t write_ = 0;
  std::uint8_t read_ = 2;
  bool has_value_ = false;
};

} // namespace pneuma::app
