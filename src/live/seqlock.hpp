#pragma once
// Sequence lock for a small trivially copyable value: writers take turns, any number of readers,
// and no reader ever blocks (a reader retries while a write is in progress). The value is stored as atomic words, so
// concurrent reads and writes are well-defined.

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace pneuma::app {

template <class T> class SeqLock {
  static_assert(std::is_trivially_copyable_v<T>);
  static constexpr std::size_t kWords = (sizeof(T) + 7) / 8;

public:
  explicit SeqLock(T const& initial = T{}) noexcept { store(initial); }

  /// Writers take turns (a short spin: writes are rare and never on the real-time path, e.g. the
  /// UI and an assessment's protocol both setting the pacer); readers never wait for a lock.
  void store(T const& value) noexcept {
    std::array<std::uint64_t, kWords> raw{};
    std::memcpy(raw.data(), &value, sizeof(T));
    while (writing_.test_and_set(std::memory_order_acquire)) {
    }
    seq_.fetch_add(1, std::memory_order_acq_rel); // odd: write in progress
    std::atomic_thread_fence(std::memory_order_release);
    for (std::size_t i = 0; i < kWords; ++i) words_[i].store(raw[i], std::memory_order_relaxed);
    seq_.fetch_add(1, std::memory_order_release); // even: stable
    writing_.clear(std::memory_order_release);
  }

  /// Any thread.
  [[nodiscard]] T load() const noexcept {
    std::array<std::uint64_t, kWords> raw{};
    for (;;) {
      const auto before = seq_.load(std::memory_order_acquire);
      if (before & 1U) continue;
      for (std::size_t i = 0; i < kWords; ++i) raw[i] = words_[i].load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (seq_.load(std::memory_order_relaxed) == before) break;
    }
    T value;
    std::memcpy(static_cast<void*>(&value), raw.data(), sizeof(T));
    return value;
  }

private:
  std::atomic<std::uint64_t> seq_{0};
  std::atomic_flag writing_ = ATOMIC_FLAG_INIT;
  std::array<std::atomic<std::uint64_t>, kWords> words_{};
};

} // namespace pneuma::app
