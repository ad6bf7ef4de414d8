#pragma once
// How well the measured breath follows the pacer, for live feedback ("in step", "a little
// behind", "off pace") and the session summary ("time close to the pace").
//
// Method: the pacer's target position is recorded on the same 10 Hz grid as the belt trace
// (live_traces.hpp). Over the last `window_s` (default 20 s) the Pearson correlation between the
// belt trace and the pacer target shifted by a lag is computed for lags -1.0 .. +3.0 s in 0.1 s
// steps; the best lag is the phase lag (breath behind the pacer: +), its correlation the score.
// The belt trace is band-limited (0.03-1 Hz), and the low-pass adds about 0.2 s of delay
// (2nd-order Butterworth at 1 Hz), which is subtracted from the lag.
// A flat belt (no breathing, no belt) gives "unknown" (NaN), never a score.
// Thread contract: UI thread; no allocation after construction.

#include <array>
#include <cstdint>
#include <string_view>

#include "live/live_traces.hpp"
#include "live/metrics.hpp"
#include "pacer/pacer_timeline.hpp"

namespace pneuma::app {

struct FollowResult {
  double score = kUnknown; ///< 0..1, correlation at the best lag (NaN: not measured)
  double lag_s = kUnknown; ///< breath behind the pacer (+) or ahead (-), seconds
};

enum class FollowLevel : std::uint8_t { unknown, in_step, close, off_pace };
FollowLevel follow_level(FollowResult const& r) noexcept;
std::string_view follow_words(FollowLevel level) noexcept; ///< "in step", "nearly", ...

class PacerFollow {
public:
  static constexpr double kGridS = 0.1;
  static constexpr double kFilterDelayS = 0.2;
  explicit PacerFollow(double window_s = 20.0) noexcept : window_s_(window_s) {}

  /// Records the pacer target at session time t_s (call every frame; keeps a 10 Hz grid).
  /// `active` false while the pacer is paused or hidden (those points do not count).
  void record(double t_s, double position, bool active) noexcept;
  /// Records the timeline's exact target on every grid instant up to t_s (frames may be far
  /// apart when the session clock runs fast); paused = inactive.
  void record(double t_s, PacerTimeline const& timeline) noexcept;
  /// Scores the recent belt trace against the recorded pacer.
  [[nodiscard]] FollowResult assess(TraceRing<256> const& breath) const noexcept;
  void reset() noexcept { count_ = 0; head_ = 0; next_t_ = -1; }

private:
  [[nodiscard]] bool pacer_at(double t_s, double& position) const noexcept;
  static constexpr std::size_t kCap = 320; // 32 s
  std::array<float, kCap> pos_{};
  std::array<bool, kCap> active_{};
  std::size_t head_ = 0, count_ = 0;
  double next_t_ = -1; ///< next grid time to record
  double last_t_ = 0;  ///< time of the newest recorded point
  double window_s_;
};

} // namespace pneuma::app
