#pragma once
// Short, fixed-size histories the DSP thread hands to the UI inside Metrics (so they travel through
// the same latest-value mailbox, with no allocation and no lock):
//   breath: the belt signal, drift removed (high-pass 0.03 Hz) and smoothed (low-pass 1 Hz),
//           decimated to 10 Hz, last 25.6 s; arbitrary units (the UI normalises what it shows).
//   hr:     instantaneous heart rate (60000 / RR ms, held until the next beat) on a 4 Hz grid,
//           last 60 s; NaN where no beat was known (gap, no strap).
// Time of sample i (oldest first, i = 0 .. count-1): t_last_s - (count - 1 - i) * dt_s.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace pneuma::app {

template <std::size_t N> struct TraceRing {
  static constexpr std::size_t kCapacity = N;
  std::array<float, N> values{};
  std::uint32_t head = 0;  ///< next write position
  std::uint32_t count = 0; ///< valid samples (<= N)
  double t_last_s = 0;     ///< session time of the newest sample
  double dt_s = 0;         ///< sample spacing

  void push(double t_s, float value) noexcept {
    values[head] = value;
    head = static_cast<std::uint32_t>((head + 1) % N);
    if (count < N) ++count;
    t_last_s = t_s;
  }
  /// i-th oldest valid sample (0 = oldest).
  [[nodiscard]] float at(std::size_t i) const noexcept {
    return values[(head + N - count + i) % N];
  }
  [[nodiscard]] double time_of(std::size_t i) const noexcept {
    return t_last_s - static_cast<double>(count - 1 - i) * dt_s;
  }
  void clear() noexcept { head = count = 0; }
};

struct LiveTraces {
  TraceRing<256> breath{{}, 0, 0, 0, 0.1};
  TraceRing<240> hr{{}, 0, 0, 0, 0.25};
};

} // namespace pneuma::app
