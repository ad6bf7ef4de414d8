#pragma once
// Beat times from BLE Heart Rate Measurement RR intervals (1/1024 s ticks), full precision kept.
//
//   t_beat[k] = t_anchor + (sum of ticks since the anchor) / 1024        [s]
//   rr_ms     = ticks * 1000 / 1024                                      (exact in double)
//
// A strap has no clock the host can read, so beat times are the running sum of the intervals,
// anchored to the host arrival time of the first beat. The arrival of a beat's notification is an
// upper bound on the beat's time (it is sent after the beat), so a chained time later than its
// arrival by up to 0.5 s pulls the anchor back to it: the anchor follows the lower envelope. The sum is kept in integer ticks (no
// rounding drift over 24 h). When the sum and the arrival times disagree by more than
// `max_skew` (lost notifications, a strap that dropped out) the timeline is re-anchored at the
// arrival time and the beat is flagged `after_gap` (successive differences must not span it).
// Units: ticks of 1/1024 s in, s and ms out. Delay: none (one beat in, its time out).
// Thread contract: push()/reset() noexcept, allocation-free, one thread.

#include <cstdint>

#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

struct TimedBeat {
  double t_s = 0;          ///< beat (R peak) time on the session clock
  double rr_ms = 0;        ///< interval ending at this beat, ms (ticks * 1000 / 1024)
  std::uint32_t ticks = 0; ///< the interval as delivered, 1/1024 s
  bool after_gap = false;  ///< the timeline was re-anchored before this beat
};

class RrTimeline {
public:
  explicit RrTimeline(Seconds max_skew = Seconds(2.5)) noexcept : max_skew_s_(max_skew.s()) {}

  /// One interval in 1/1024 s ticks as delivered, with the host time its notification arrived.
  TimedBeat push(std::uint32_t ticks, double arrival_t_s) noexcept {
    TimedBeat b;
    b.ticks = ticks;
    b.rr_ms = ticks * (1000.0 / 1024.0);
    if (!anchored_) {
      anchor_t_s_ = arrival_t_s;
      ticks_ = 0;
      anchored_ = true;
      b.after_gap = true;
      b.t_s = arrival_t_s;
      return b;
    }
    ticks_ += ticks;
    b.t_s = anchor_t_s_ + static_cast<double>(ticks_) / 1024.0;
    // A beat cannot be later than its notification; far earlier means beats were lost.
    if (b.t_s > arrival_t_s && b.t_s <= arrival_t_s + 0.5) {
      anchor_t_s_ -= b.t_s - arrival_t_s;
      b.t_s = arrival_t_s;
    } else if (b.t_s > arrival_t_s + 0.5 || b.t_s < arrival_t_s - max_skew_s_) {
      anchor_t_s_ = arrival_t_s;
      ticks_ = 0;
      b.t_s = arrival_t_s;
      b.after_gap = true;
    }
    return b;
  }
  void reset() noexcept { anchored_ = false; }

private:
  double max_skew_s_;
  double anchor_t_s_ = 0;
  std::uint64_t ticks_ = 0;
  bool anchored_ = false;
};

} // namespace pneuma::dsp
