#pragma once
// Heart rate - respiration coupling at the breathing frequency: cross-spectral phase and
// magnitude-squared coherence (MSC) between instantaneous HR and the belt signal (Welch).
//
//   HR(t) from beats (60000 / RR, linear between beats) and the belt, both on one 4 Hz grid;
//   each detrended (mean + linear); 64 s Hann segments, 50 % overlap:
//   Sxy = <X conj(Y)>, MSC = |Sxy|^2 / (Sxx Syy) in [0, 1]; f_b = peak of Syy in 0.04-0.5 Hz
//   phase = arg Sxy(f_b) in degrees: > 0 HR leads breathing, < 0 HR lags.
// At resonance HR rises during inhalation and peaks near its end: phase near 0 (Vaschillo; Lehrer);
// at faster breathing HR lags. MSC near 1 means HR follows breathing one-to-one.
// Input: two equally long series already on the same 4 Hz grid (see hr_on_grid()).
// Delay: none beyond the analysed window (windowed use).
// Thread contract: the constructor allocates (FFT, buffers); compute() is noexcept and
// allocation-free (fit for a windowed live update), one thread.

#include <complex>
#include <span>
#include <string_view>
#include <vector>

#include "pneuma/dsp/real_fft.hpp"
#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

struct HrRespCoupling {
  double breathing_hz = 0; ///< where the belt spectrum peaks
  double msc = 0;          ///< magnitude-squared coherence there, 0..1
  double phase_deg = 0;    ///< HR relative to breathing, degrees, (-180, 180]
  int segments = 0;
};

class HrRespCouplingAnalyzer {
public:
  /// Segment length in samples at `fs` (64 s default); throws std::invalid_argument if < 16.
  explicit HrRespCouplingAnalyzer(SampleRate fs = SampleRate(4.0), double segment_s = 64.0);
  /// hr and resp on the same grid, same length (>= one segment); otherwise segments == 0.
  HrRespCoupling compute(std::span<const double> hr, std::span<const double> resp) noexcept;

private:
  SampleRate fs_;
  int len_;
  RealFft fft_;
  std::vector<double> window_;
  std::vector<float> fx_, fy_;
  std::vector<std::complex<float>> bx_, by_;
  std::vector<std::complex<double>> sxy_;
  std::vector<double> sxx_, syy_;
};

/// Instantaneous HR (beats/min) on a grid t0 + k / fs (k < n), linear between beats.
std::vector<double> hr_on_grid(std::span<const double> beat_t_s, std::span<const double> rr_ms, double t0, SampleRate fs, std::size_t n);

} // namespace pneuma::dsp
