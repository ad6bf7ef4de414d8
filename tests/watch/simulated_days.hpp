#pragma once
// Simulated days for the arousal detector: the simulated person with stress and movement
// episodes (drivers/sim/tone_episodes), beats fed as a strap reports them, activity as a chest
// accelerometer would (with 5 mg of sensor noise), scored per day against the episodes.

#include <cmath>
#include <random>
#include <vector>

#include "pneuma/drivers/sim/person.hpp"
#include "pneuma/dsp/arousal_detector.hpp"

namespace pneuma::test {

struct DayScore {
  int stress = 0;        ///< stress episodes that day
  int detected = 0;      ///< of them, nudged during the episode or within 5 min after it
  int false_alarms = 0;  ///< nudges outside every stress episode (walks, startles, ordinary life)
                         ///< that the watch would deliver (outside quiet hours 22:00-07:00)
  int quiet_false_alarms = 0; ///< the detector's others, in quiet hours (never delivered)
};

/// Runs `days` days of one simulated person; the first day only teaches the baseline (a person
/// starting the watch has no history) and is not scored. `accelerometer`: feed activity.
inline std::vector<DayScore> simulate_days(std::uint64_t seed, int days, bool accelerometer = true) {
  drivers::sim::PersonParams p;
  p.seed = seed;
  p.belt_hz = 10; // the heart model is band-limited below 0.5 Hz; IPFM interpolates beat times
  p.tone_days = days;
  p.hr_bpm = 60 + static_cast<double>(seed % 7) * 3;
  drivers::sim::Person person(p, {});
  dsp::ArousalDetector detector;
  std::mt19937_64 noise(seed);
  std::normal_distribution<double> sensor(0, 5);
  std::vector<double> nudges;
  double last_beat = -1, next_activity = 1;
  const double end = days * 86400.0;
  while (person.time_s() < end) {
    const auto f = person.step();
    if (accelerometer && f.t_s >= next_activity) {
      if (auto e = detector.on_activity(f.t_s, std::abs(f.activity_mg + sensor(noise))); e && e->nudge)
        nudges.push_back(e->end_s);
      next_activity += 1;
    }
    if (!f.beat_s) continue;
    if (last_beat >= 0)
      if (auto e = detector.on_beat(*f.beat_s, (*f.beat_s - last_beat) * 1000.0); e && e->nudge)
        nudges.push_back(e->end_s);
    last_beat = *f.beat_s;
  }
  // Build the schedule the person used (same seed, same days) to score against.
  const drivers::sim::ToneSchedule schedule(p.seed, p.tone_days + 1);
  std::vector<DayScore> out(static_cast<std::size_t>(days - 1));
  auto day_of = [](double t) { return static_cast<int>(t / 86400.0); };
  for (auto const& e : schedule.episodes()) {
    const int d = day_of(e.start_s);
    if (e.kind != drivers::sim::ToneEpisode::Kind::stress || d < 1 || d >= days) continue;
    auto& s = out[static_cast<std::size_t>(d - 1)];
    ++s.stress;
    for (double n : nudges)
      if (n >= e.start_s && n <= e.end_s() + 300) {
        ++s.detected;
        break;
      }
  }
  for (double n : nudges) {
    const int d = day_of(n);
    if (d < 1 || d >= days) continue;
    bool in_stress = false;
    for (auto const& e : schedule.episodes())
      if (e.kind == drivers::sim::ToneEpisode::Kind::stress && n >= e.start_s && n <= e.end_s() + 300) in_stress = true;
    const double hour = std::fmod(n, 86400.0) / 3600.0;
    const bool quiet = hour >= 22 || hour < 7;
    if (!in_stress) ++(quiet ? out[static_cast<std::size_t>(d - 1)].quiet_false_alarms
                             : out[static_cast<std::size_t>(d - 1)].false_alarms);
  }
  return out;
}

} // namespace pneuma::test
