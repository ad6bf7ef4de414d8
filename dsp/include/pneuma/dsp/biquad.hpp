#pragma once
// Second-order IIR sections (biquads), transposed direct form II, coefficients apart from state.
//
//   y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]
//
// Designs: RBJ Audio-EQ-Cookbook low-pass / high-pass / band-pass (constant 0 dB peak), bilinear
// transform with frequency pre-warping. Coefficients are double; state is double so that very low
// cut-offs (0.05 Hz at 1 kHz) stay stable. Units: frequencies in Hz.
// Delay: the design's frequency-dependent group delay (sos_group_delay_s, butterworth.hpp).
// Thread contract: design functions may throw (bad parameters); step() is noexcept,
// allocation-free, and owned by one thread.

#include "pneuma/dsp/units.hpp"

namespace pneuma::dsp {

/// Normalised biquad coefficients (a0 == 1).
struct BiquadCoeffs {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;

  /// Butterworth Q for a single second-order section.
  static constexpr double kButterworthQ = 0.70710678118654752;

  /// Throws std::invalid_argument unless 0 < cutoff < fs / 2 and q > 0.
  static BiquadCoeffs lowpass(Hz cutoff, SampleRate fs, double q = kButterworthQ);
  static BiquadCoeffs highpass(Hz cutoff, SampleRate fs, double q = kButterworthQ);
  /// Band-pass with unity gain at `centre`; bandwidth = centre / q.
  static BiquadCoeffs bandpass(Hz centre, SampleRate fs, double q);

  /// Magnitude response |H(e^jw)| at `f_hz` (for tests and documentation).
  [[nodiscard]] double magnitude_at(double f_hz, SampleRate fs) const noexcept;
};

/// Filter memory of one section.
struct BiquadState {
  double z1 = 0, z2 = 0;

  double step(double x, BiquadCoeffs const& c) noexcept {
    const double y = c.b0 * x + z1;
    z1 = c.b1 * x - c.a1 * y + z2;
    z2 = c.b2 * x - c.a2 * y;
    return y;
  }
  /// Sets the memory as if `x` had been the input forever (no start-up transient).
  void settle_to(double x, BiquadCoeffs const& c) noexcept;
  void reset() noexcept { z1 = z2 = 0; }
};

/// One section with its own state: a small value type, `y = f(x)`.
class Biquad {
public:
  Biquad() = default;
  explicit Biquad(BiquadCoeffs c) : c_(c) {}
  double operator()(double x) noexcept { return s_.step(x, c_); }
  void settle_to(double x) noexcept { s_.settle_to(x, c_); }
  void reset() noexcept { s_.reset(); }
  /// New coefficients, memory kept (no click on retune).
  void retune(BiquadCoeffs c) noexcept { c_ = c; }
  [[nodiscard]] BiquadCoeffs const& coeffs() const noexcept { return c_; }

private:
  BiquadCoeffs c_{};
  BiquadState s_{};
};

} // namespace pneuma::dsp
