#pragma once
// One-window periodogram (the short-window spectrum of offline analysis) and the spectral peak
// fit shared by every breathing / HRV rate estimate.
//
//   x -> mean removed -> Hann w[i] = 0.5 - 0.5 cos(2 pi (i + 0.5) / N) -> zero-padded to
//   nfft = the smallest power of two >= max(min_nfft, 4 N) -> RealFft (KissFFT)
//   one-sided density P[k] = 2 |X[k]|^2 / (fs * sum w^2)   (input units^2 / Hz)
//   band power = sum P[k] df over lo <= f_k < hi (rectangle rule, as Kubios)
// Peak fit: Gaussian (log-parabolic) interpolation through the highest bin and its neighbours,
//   delta = (ln P[k-1] - ln P[k+1]) / (2 (ln P[k-1] - 2 ln P[k] + ln P[k+1])), clamped to +-1/2,
// exact for a Gaussian peak and near-exact for a Hann main lobe (Gasior & Gonzalez 2004).
// For longer records, welch_psd (welch.hpp) averages segments instead.
// Units: as the input; frequencies in Hz. Delay: none (offline).
// Thread contract: periodogram() allocates (offline / windowed use, not per sample);
// log_parabolic_offset() is noexcept, any thread.

#include <complex>
#include <optional>
#include <span>
#include <vector>

#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

/// Offset of the true peak from bin k, in bins (-0.5..0.5), from the powers (not logs) of bins
/// k-1, k, k+1; 0 when the three do not form a maximum.
double log_parabolic_offset(double p_before, double p_peak, double p_after) noexcept;

struct Periodogram {
  double df = 0;                               ///< bin spacing, Hz
  std::vector<double> psd;                     ///< one-sided density, units^2/Hz
  std::vector<std::complex<double>> bins;      ///< the windowed transform (cross-spectra, phase)
  [[nodiscard]] bool empty() const noexcept { return psd.empty(); }
  /// Power in [lo, hi), units^2.
  [[nodiscard]] double power(Hz lo, Hz hi) const noexcept;
  /// Nearest bin to f.
  [[nodiscard]] std::size_t bin(Hz f) const noexcept;
  /// Highest bin in [lo, hi], refined by log_parabolic_offset; nullopt when none is positive.
  [[nodiscard]] std::optional<Hz> peak(Hz lo, Hz hi) const noexcept;
};

/// Empty result for fewer than 16 samples.
Periodogram periodogram(std::span<const double> x, SampleRate fs, int min_nfft = 1024);

} // namespace pneuma::dsp
