#pragma once
// Heart rate from RR intervals: median of the last `beats` plausible intervals.
//
//   HR [beats/min] = 60000 / median(RR [ms])
//
// Intervals outside [250, 2500] ms (240..24 beats/min) are rejected and counted; the median keeps
// one ectopic beat from moving the number. A display-grade estimate; HRV lives elsewhere.
// Units: RR in ms, HR in beats/min. Delay: one beat to report; a step shows fully after 3 of 5 beats.
// Thread contract: push()/reset() noexcept, allocation-free, one thread.

#include <array>
#include <cstdint>
#include <optional>

namespace pneuma::dsp {

class BeatRateTracker {
public:
  static constexpr int kMaxBeats = 15;
  explicit BeatRateTracker(int beats = 5);

  /// Adds one RR interval in ms; returns the updated heart rate in beats/min.
  std::optional<double> push(double rr_ms) noexcept;
  void reset() noexcept { count_ = 0; }
  [[nodiscard]] std::uint64_t rejected() const noexcept { return rejected_; }

private:
  std::array<double, kMaxBeats> ring_{};
  int beats_;
  int next_ = 0;
  int count_ = 0;
  std::uint64_t rejected_ = 0;
};

} // namespace pneuma::dsp
