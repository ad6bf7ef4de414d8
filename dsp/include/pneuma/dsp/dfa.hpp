#pragma once
// Detrended fluctuation analysis (Peng et al. 1995, Chaos 5:82): short- and long-term fractal
// scaling exponents of an RR series.
//
//   y[k] = sum_{i<=k} (x[i] - mean x)                    integrated profile
//   F(n) = sqrt( mean over windows of mean((y - linear fit)^2) )   windows of n beats
//   alpha = slope of log F(n) against log n over a scale range
//
// Windows start every n/2 beats (half overlap, as NeuroKit2's fractal_dfa default), the linear fit
// is closed-form per window (centred sums: exact in double even for 24 h profiles). Scales are
// every integer in the range. Defaults: alpha1 over 4..16 beats, alpha2 over 16..64 (Peng 1995,
// Kubios). NeuroKit2 uses 4..11 and 12..N/10; pass those ranges to reproduce it.
// Cost: O(N) per scale. Units: dimensionless. NaN when the series is shorter than 2 windows of
// the largest scale or flat.
// Delay: none (offline / windowed).
// Thread contract: pure; allocates the profile (offline / windowed use).

#include <span>

namespace pneuma::dsp {

struct DfaRange {
  int min_beats = 4;
  int max_beats = 16;
};

/// Scaling exponent over `range` (every integer scale). x: intervals (ms); NaN entries are skipped.
double dfa_alpha(std::span<const double> x, DfaRange range) noexcept;

} // namespace pneuma::dsp
