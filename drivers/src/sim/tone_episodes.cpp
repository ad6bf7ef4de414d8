#include "pneuma/drivers/sim/tone_episodes.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace pneuma::drivers::sim {
namespace {

constexpr double kDay_s = 86400;
constexpr double kWakeFrom_s = 7.5 * 3600, kWakeTo_s = 22 * 3600;
constexpr double kRamp_s = 120;

/// 0 -> 1 -> 0 over [a, b] with raised-cosine ramps of `ramp` seconds.
double plateau(double t, double a, double b, double ramp) {
  if (t <= a || t >= b) return 0;
  const double up = std::min(1.0, (t - a) / ramp), down = std::min(1.0, (b - t) / ramp);
  const double x = std::min(up, down);
  return 0.5 * (1 - std::cos(std::numbers::pi * x));
}

/// 1 asleep (23:00-06:30 with 30-min transitions), 0 awake.
double asleep(double t) {
  const double d = std::fmod(t, kDay_s);
  return std::max(plateau(d, 23 * 3600 - 1800, kDay_s + 6.5 * 3600 + 1800, 1800),
                  plateau(d + kDay_s, 23 * 3600 - 1800, kDay_s + 6.5 * 3600 + 1800, 1800));
}

} // namespace

ToneSchedule::ToneSchedule(std::uint64_t seed, int days, ToneDayParams params) : circadian_(params.circadian) {
  std::mt19937_64 rng(seed ^ 0x70e5c4ed);
  std::uniform_real_distribution<double> u(0, 1);
  auto in = [&](double lo, double hi) { return lo + (hi - lo) * u(rng); };
  for (int d = 0; d < days; ++d) {
    std::vector<ToneEpisode> day;
    auto place = [&](ToneEpisode e) {
      const double pad = 20 * 60; // at least 20 min of ordinary life between episodes
      for (int tries = 0; tries < 200; ++tries) {
        e.start_s = d * kDay_s + in(kWakeFrom_s, kWakeTo_s - e.length_s - e.recovery_s);
        const bool clash = std::any_of(day.begin(), day.end(), [&](ToneEpisode const& o) {
          return e.start_s < o.end_s() + o.recovery_s + pad && o.start_s < e.end_s() + e.recovery_s + pad;
        });
        if (!clash) {
          day.push_back(e);
          return;
        }
      }
    };
    for (int i = 0; i < params.stress_per_day; ++i)
      place({ToneEpisode::Kind::stress, 0, in(6, 20) * 60, in(8, 16), in(0.35, 0.6), 0, 0});
    for (int i = 0; i < params.walks_per_day; ++i)
      place({ToneEpisode::Kind::walk, 0, in(5, 25) * 60, in(20, 35), 0.4, in(150, 400), in(3, 6) * 60});
    for (int i = 0; i < params.startles_per_day; ++i)
      place({ToneEpisode::Kind::startle, 0, in(1, 3) * 60, in(8, 14), in(0.4, 0.6), 0, 0});
    episodes_.insert(episodes_.end(), day.begin(), day.end());
  }
  std::sort(episodes_.begin(), episodes_.end(), [](auto const& a, auto const& b) { return a.start_s < b.start_s; });
}

Tone ToneSchedule::at(double t) const noexcept {
  Tone tone;
  if (circadian_) {
    const double s = asleep(t);
    const double d = std::fmod(t, kDay_s) / 3600.0;
    tone.hr_add_bpm = -6 * s + 2 * plateau(d, 13, 18, 1.5);
    tone.vagal = 1 + 0.25 * s;
  }
  // Episodes last under an hour with their recovery: only those starting in the hour before t.
  auto it = std::upper_bound(episodes_.begin(), episodes_.end(), t,
                             [](double x, ToneEpisode const& e) { return x < e.start_s; });
  while (it != episodes_.begin() && std::prev(it)->start_s > t - 3600) --it;
  for (; it != episodes_.end() && it->start_s <= t; ++it) {
    auto const& e = *it;
    const double ramp = e.kind == ToneEpisode::Kind::walk ? 30.0 : std::min(kRamp_s, e.length_s / 3);
    const double k = plateau(t, e.start_s, e.end_s(), ramp);
    double hr = e.hr_add_bpm * k, vagal_loss = (1 - e.vagal) * k;
    if (e.recovery_s > 0 && t >= e.end_s() - ramp) {
      // Recovery: heart rate and vagal tone come back exponentially (time constant recovery / 3).
      const double since = std::max(0.0, t - e.end_s());
      const double r = since < e.recovery_s ? std::exp(-3 * since / e.recovery_s) : 0.0;
      hr = std::max(hr, 0.6 * e.hr_add_bpm * r);
      vagal_loss = std::max(vagal_loss, (1 - e.vagal) * r);
    }
    tone.hr_add_bpm += hr;
    tone.vagal *= 1 - vagal_loss;
    tone.activity_mg += e.activity_mg * k;
  }
  return tone;
}

} // namespace pneuma::drivers::sim
