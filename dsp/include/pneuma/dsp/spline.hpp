#pragma once
// Natural cubic spline through (t[k], y[k]) evaluated on a uniform grid: how an RR series
// (events at the beats) becomes an evenly sampled signal for spectra (Task Force 1996: 4 Hz).
//
//   S''(t0) = S''(tn) = 0; on [t_k, t_k+1] S is the cubic with the second derivatives M_k that
//   solve the tridiagonal system h_{k-1} M_{k-1} + 2 (h_{k-1} + h_k) M_k + h_k M_{k+1} = 6 (...).
//
// Units: whatever t and y are in (s and ms here). Output grid: t0, t0 + 1/fs, ... <= t_n.
// Delay: none (offline).
// Thread contract: set-up style (allocates the output and a work vector); not for the live path.

#include <span>
#include <vector>

#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

/// Linear interpolation of (t[k], v[k]) (t ascending) on the grid t0, t0 + 1/fs, ... < t1; held
/// flat before the first and after the last point. Empty with fewer than 2 points. How offline
/// analysis puts beats, HR or a belt on a 4 Hz grid for a short window's periodogram.
std::vector<double> linear_resample(std::span<const double> t, std::span<const double> v, double t0_s,
                                    double t1_s, SampleRate fs);

/// Throws std::invalid_argument when sizes differ, fewer than 2 knots, or t is not increasing.
std::vector<double> cubic_spline_resample(std::span<const double> t, std::span<const double> y, SampleRate fs);

} // namespace pneuma::dsp
