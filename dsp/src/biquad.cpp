#include "pneuma/dsp/biquad.hpp"

#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>

namespace pneuma::dsp {
namespace {

struct Prewarped {
  double cos_w0, alpha;
};

Prewarped prewarp(double f_hz, SampleRate fs, double q) {
  if (!(f_hz > 0.0) || f_hz >= fs.hz() / 2.0)
    throw std::invalid_argument("filter frequency must lie between 0 and the Nyquist frequency");
  if (!(q > 0.0)) throw std::invalid_argument("filter Q must be > 0");
  const double w0 = 2.0 * std::numbers::pi * f_hz / fs.hz();
  return {std::cos(w0), std::sin(w0) / (2.0 * q)};
}

BiquadCoeffs normalise(double b0, double b1, double b2, double a0, double a1, double a2) {
  return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

} // namespace

BiquadCoeffs BiquadCoeffs::lowpass(Hz cutoff, SampleRate fs, double q) {
  const auto [c, alpha] = prewarp(cutoff.hz(), fs, q);
  return normalise((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

BiquadCoeffs BiquadCoeffs::highpass(Hz cutoff, SampleRate fs, double q) {
  const auto [c, alpha] = prewarp(cutoff.hz(), fs, q);
  return normalise((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

BiquadCoeffs BiquadCoeffs::bandpass(Hz centre, SampleRate fs, double q) {
  const auto [c, alpha] = prewarp(centre.hz(), fs, q);
  return normalise(alpha, 0, -alpha, 1 + alpha, -2 * c, 1 - alpha);
}

double BiquadCoeffs::magnitude_at(double f_hz, SampleRate fs) const noexcept {
  const double w = 2.0 * std::numbers::pi * f_hz / fs.hz();
  const std::complex<double> z1 = std::polar(1.0, -w);
  const std::complex<double> z2 = z1 * z1;
  return std::abs((b0 + b1 * z1 + b2 * z2) / (1.0 + a1 * z1 + a2 * z2));
}

void BiquadState::settle_to(double x, BiquadCoeffs const& c) noexcept {
  const double dc_gain = (c.b0 + c.b1 + c.b2) / (1.0 + c.a1 + c.a2);
  const double y = x * dc_gain;
  z2 = c.b2 * x - c.a2 * y;
  z1 = c.b1 * x - c.a1 * y + z2;
}

} // namespace pneuma::dsp
