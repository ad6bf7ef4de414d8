#pragma once
// Welch power spectral density (Welch 1967): Hann-windowed segments, 50 % overlap, each segment's
// mean removed, periodograms averaged; one-sided density as scipy.signal.welch(scaling='density'):
//
//   P[k] = c_k |X_m[k]|^2 / (fs * sum(w^2)),  c_k = 2 except at DC and Nyquist;  averaged over m
//
// FFT: KissFFT (RealFft) planned once per call. Units: input units^2 / Hz (ms^2/Hz for RR).
// A record shorter than one segment is analysed as a single segment of its own (even) length.
// Delay: none (offline / windowed).
// Thread contract: allocates (offline / windowed use, not per sample).

#include <span>
#include <vector>

#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

struct Spectrum {
  std::vector<double> freq_hz;
  std::vector<double> psd;     ///< density, input units^2 / Hz
  [[nodiscard]] double df() const noexcept { return freq_hz.size() > 1 ? freq_hz[1] - freq_hz[0] : 0.0; }
  /// Power in [lo, hi) Hz: rectangle rule (sum * df), as Kubios; units^2.
  [[nodiscard]] double band_power(double lo_hz, double hi_hz) const noexcept;
  /// Frequency of the largest density in [lo, hi), NaN when the band holds no bin.
  [[nodiscard]] double peak_hz(double lo_hz, double hi_hz) const noexcept;
};

/// Throws std::invalid_argument for fewer than 4 samples.
Spectrum welch_psd(std::span<const double> x, SampleRate fs, int segment_len);

} // namespace pneuma::dsp
