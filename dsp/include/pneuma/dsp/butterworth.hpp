#pragma once
// Digital Butterworth filters designed in code: analog prototype -> (band) transform -> bilinear
// transform with frequency pre-warping -> second-order sections. The same steps and conventions as
// scipy.signal.butter(N, Wn, btype, output='zpk'|'sos', fs=fs):
//
//   prototype poles  p_k = exp(j pi (2k + N + 1) / (2N)),  k = 0 .. N-1,  gain 1
//   pre-warp         w = 2 fs' tan(pi f / fs)             (fs' = 2, as scipy: normalised design)
//   low-pass         p -> w p ; high-pass p -> w / p (N zeros at s = 0)
//   band-pass        p -> (p bw / 2) +- sqrt((p bw / 2)^2 - w0^2), w0 = sqrt(w1 w2), bw = w2 - w1,
//                    N zeros at s = 0, gain bw^N
//   bilinear         z = (2 fs' + s) / (2 fs' - s); zeros at infinity map to z = -1
//
// Sections are grouped as scipy's zpk2sos(pairing='nearest') groups them (the pole nearest the unit
// circle, with its nearest zeros, in the last section; the gain in the first), so the coefficients
// can be compared with scipy's one for one. Coefficients are double; the cascade's state is double so that a
// 0.05 Hz corner at 1 kHz stays well-conditioned. Group delay: that of the analog prototype at the
// pre-warped frequencies (e.g. order-2 low-pass at fc: sqrt(2) / (2 pi fc) s near DC).
// Units: frequencies in Hz, samples in any unit (gain 1 in the pass band).
// Thread contract: design functions may throw std::invalid_argument (bad orders or frequencies);
// SosCascade::operator() / reset() / settle_to() are noexcept and allocation-free, one thread.

#include <array>
#include <complex>
#include <cstddef>
#include <vector>

#include "pneuma/dsp/biquad.hpp"
#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

/// Poles, zeros and gain of a digital filter (z-plane).
struct ZpkDesign {
  std::vector<std::complex<double>> zeros;
  std::vector<std::complex<double>> poles;
  double gain = 1;
};

enum class FilterBand { lowpass, highpass, bandpass };

struct ButterworthSpec {
  FilterBand band = FilterBand::lowpass;
  int order = 2;       ///< prototype order N (a band-pass has 2N poles, N sections)
  double f1_hz = 1.0;  ///< cut-off (low/high-pass) or lower edge (band-pass), -3 dB
  double f2_hz = 0.0;  ///< upper edge (band-pass only), -3 dB
};

/// Butterworth design in the z-plane. Throws std::invalid_argument naming the bad parameter.
ZpkDesign butterworth_zpk(ButterworthSpec const& spec, SampleRate fs);
/// The same design as second-order sections (a first-order one last for odd low/high-pass).
std::vector<BiquadCoeffs> butterworth_sos(ButterworthSpec const& spec, SampleRate fs);

/// Complex response of a section cascade at f_hz.
std::complex<double> sos_response(std::vector<BiquadCoeffs> const& sos, double f_hz, SampleRate fs);
/// Group delay (s) of a section cascade at f_hz, by a numerical phase derivative.
double sos_group_delay_s(std::vector<BiquadCoeffs> const& sos, double f_hz, SampleRate fs);

/// A cascade of up to kMaxSections biquads with its own state: `y = f(x)`.
class SosCascade {
public:
  static constexpr std::size_t kMaxSections = 8;
  SosCascade() = default;
  /// Throws std::invalid_argument if there are more than kMaxSections sections.
  explicit SosCascade(std::vector<BiquadCoeffs> const& sos);

  double operator()(double x) noexcept {
    for (std::size_t i = 0; i < n_; ++i) x = state_[i].step(x, coeffs_[i]);
    return x;
  }
  /// Memory as if `x` had been the input forever (no start-up transient).
  void settle_to(double x) noexcept;
  void reset() noexcept;
  [[nodiscard]] std::size_t sections() const noexcept { return n_; }

private:
  std::array<BiquadCoeffs, kMaxSections> coeffs_{};
  std::array<BiquadState, kMaxSections> state_{};
  std::size_t n_ = 0;
};

} // namespace pneuma::dsp
