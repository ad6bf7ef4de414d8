#pragma once
// Days in a simulated person's life for the all-day watch: a circadian heart rate, episodes of
// raised sympathetic tone (stress: heart rate up, vagal tone withdrawn, sitting still) and of
// movement (walking: heart rate up more, vagal tone down, accelerometer activity, then a few
// minutes of recovery with the heart rate still up while sitting again). Also brief startles
// (1-3 min), too short to be "sustained", as confounders.
//
// Tone at time t (seconds from midnight of day 0):
//   hr_add_bpm  added to the person's mean heart rate;
//   vagal       multiplies the person's respiratory and beat-to-beat (IPFM jitter) variability:
//               high-frequency HRV is vagally mediated (Task Force 1996; abolished by atropine);
//   activity_mg dynamic accelerometer magnitude a strap on the chest would see.
// Circadian: -6 beats/min and vagal x1.25 asleep (23:00-06:30, 30-min transitions), +2 beats/min
// in the afternoon (Massin 2000). Stress episodes: 6-20 min, +8..16 beats/min, vagal x0.35..0.6,
// 2-min ramps (mental stress tasks: Taelman 2009; Castaldo 2015). Walks: 5-25 min, +20..35
// beats/min, vagal x0.4, 150-400 mg, then 3-6 min of recovery (Imai 1994).
// Episodes fall in waking hours (07:30-22:00), never overlapping; deterministic for a seed.

#include <cstdint>
#include <vector>

namespace pneuma::drivers::sim {

struct Tone {
  double hr_add_bpm = 0;
  double vagal = 1;
  double activity_mg = 0;
};

struct ToneEpisode {
  enum class Kind : std::uint8_t { stress, walk, startle };
  Kind kind = Kind::stress;
  double start_s = 0;        ///< from midnight of day 0
  double length_s = 0;       ///< the episode itself (a walk's recovery follows it)
  double hr_add_bpm = 0;
  double vagal = 1;
  double activity_mg = 0;
  double recovery_s = 0;     ///< walks: heart rate still raised, sitting
  [[nodiscard]] double end_s() const noexcept { return start_s + length_s; }
};

struct ToneDayParams {
  int stress_per_day = 3;
  int walks_per_day = 4;
  int startles_per_day = 4;
  bool circadian = true;
};

class ToneSchedule {
public:
  /// Episodes for `days` days from midnight of day 0.
  ToneSchedule(std::uint64_t seed, int days, ToneDayParams params = {});
  [[nodiscard]] Tone at(double t_s) const noexcept;
  [[nodiscard]] std::vector<ToneEpisode> const& episodes() const noexcept { return episodes_; }

private:
  std::vector<ToneEpisode> episodes_; // sorted by start
  bool circadian_;
};

} // namespace pneuma::drivers::sim
