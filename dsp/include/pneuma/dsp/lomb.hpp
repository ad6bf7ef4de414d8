#pragma once
// Lomb-Scargle periodogram of unevenly sampled data (Lomb 1976; Scargle 1982): the spectrum of an
// RR series without interpolation (Clifford & Tarassenko 2005 recommend it for HRV with gaps).
//
//   tan(2 w tau) = sum sin 2wt / sum cos 2wt
//   P(w) = 1/2 [ (sum y cos w(t-tau))^2 / sum cos^2 w(t-tau) + (sum y sin w(t-tau))^2 / sum sin^2 ]
//   density = 2 T P / N   (so that white noise of variance s^2 reads 2 s^2 T / N, as Welch would)
//
// y has its mean removed first. Trigonometric values are advanced by complex rotation along the
// frequency grid (one sincos per sample, not per sample and frequency). Units: y^2 / Hz.
// Delay: none (offline).
// Thread contract: allocates (offline use).

#include <span>

#include "pneuma/dsp/welch.hpp"

namespace pneuma::dsp {

/// Grid f_lo, f_lo + df, ... <= f_hi. Throws std::invalid_argument on bad sizes or grid.
Spectrum lomb_scargle_psd(std::span<const double> t_s, std::span<const double> y, double f_lo_hz,
                          double f_hi_hz, double df_hz);

} // namespace pneuma::dsp
