#pragma once
// Breathing rate of a short window by counting breath cycles (offline; the assessment's steps and
// the report's windows), and the belt smoothed onto the uniform grid it counts on.
//
//   smoothed_grid: moving mean over 1/(2 grid) s around each sample (anti-alias for the
//     decimation), then linear interpolation onto t0 + k / grid (spline.hpp linear_resample);
//     non-finite samples are skipped.
//   counted_breath_rate: x = (1 s moving mean) - (moving mean over one breath period, the slow
//     baseline); both means keep their full length at the window's ends (slid inwards rather
//     than shortened, so the baseline never follows the breath there); upward crossings of +10 % of SD(x) after x went below -10 % of SD(x)
//     (hysteresis: zero-crossing counting as in biosppy's resp); rate = 60 (N - 1) / (t_N - t_1).
//     A sigh counts as one breath whatever its depth, so the count is not pulled by it as a
//     spectral peak over a 75 s window is.
// Units: seconds, samples/s (Hz), breaths/min. nullopt with fewer than 3 upward crossings.
// Thread contract: plain functions, any thread; they allocate (not for the real-time path).

#include <optional>
#include <span>
#include <vector>

#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

/// `values` sampled at `fs` from time 0, smoothed and resampled to `grid` over [t0_s, t1_s).
std::vector<double> smoothed_grid(std::span<const double> values, SampleRate fs, double t0_s, double t1_s,
                                  SampleRate grid);

/// Breaths/min counted on `grid_values` (uniform at `grid`); `period_s` is about one breath period
/// (the baseline's window; e.g. from the window's spectral peak).
std::optional<double> counted_breath_rate(std::span<const double> grid_values, SampleRate grid,
                                          double period_s);

} // namespace pneuma::dsp
