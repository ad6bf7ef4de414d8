#pragma once
// Synthetic breathing for the respiration tests, with known ends of inspiration.
// Shape (algorithms.md "Simulating a person"): inhale = raised cosine over `inhale_frac` of the
// cycle; exhale = passive exponential decay (time constant min(1.2 s, exhale / 4)), reaching the
// end-expiratory level at the end of the cycle (an end-expiratory pause at slow rates).

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

namespace pneuma::test {

struct SynthBreath {
  double period_s = 5;   ///< cycle length
  double depth = 1;      ///< peak above the end-expiratory level
};

struct SynthSignal {
  std::vector<double> x;
  std::vector<double> peaks_s;  ///< true ends of inspiration
  std::vector<double> onsets_s; ///< true inspiration onsets
};

struct SynthOptions {
  double fs = 50;
  double inhale_frac = 0.4;
  double noise_sd = 0.0;        ///< white noise, depth units
  double drift_per_min = 0.0;   ///< linear drift, depth units per minute
  double offset = 0.0;
  double scale = 1.0;           ///< applied last (units)
  double polarity = 1.0;        ///< -1: inspiration downwards
  unsigned seed = 1;
};

inline SynthSignal synth_breathing(std::vector<SynthBreath> const& breaths, SynthOptions const& o) {
  SynthSignal s;
  std::mt19937 rng(o.seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  double t0 = 0;
  for (auto const& b : breaths) {
    const double ti = o.inhale_frac * b.period_s, te = b.period_s - ti;
    const double tau = std::min(1.2, te / 4.0);
    const double floor = std::exp(-te / tau);
    s.onsets_s.push_back(t0);
    s.peaks_s.push_back(t0 + ti);
    const auto n0 = static_cast<std::size_t>(std::ceil(t0 * o.fs));
    const auto n1 = static_cast<std::size_t>(std::ceil((t0 + b.period_s) * o.fs));
    for (std::size_t n = n0; n < n1; ++n) {
      const double t = static_cast<double>(n) / o.fs - t0;
      double v = t < ti ? 0.5 * (1 - std::cos(std::numbers::pi * t / ti))
                        : (std::exp(-(t - ti) / tau) - floor) / (1 - floor);
      v *= b.depth;
      const double tt = static_cast<double>(n) / o.fs;
      v = o.polarity * v + o.drift_per_min * tt / 60.0 + o.noise_sd * noise(rng);
      s.x.push_back(o.scale * (v + o.offset));
    }
    t0 += b.period_s;
  }
  return s;
}

/// `n` breaths at `bpm` with breath-to-breath jitter `cv` (period) and depth jitter `depth_cv`.
inline std::vector<SynthBreath> steady(double bpm, int n, double cv = 0.0, double depth_cv = 0.0,
                                       unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<SynthBreath> v;
  for (int i = 0; i < n; ++i)
    v.push_back({60.0 / bpm * (1 + cv * g(rng)), 1.0 + depth_cv * g(rng)});
  return v;
}

} // namespace pneuma::test
