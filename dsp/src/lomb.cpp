#include "pneuma/dsp/lomb.hpp"

#include <cmath>
#include <complex>
#include <numbers>
#include <stdexcept>
#include <vector>

namespace pneuma::dsp {

Spectrum lomb_scargle_psd(std::span<const double> t, std::span<const double> y, double f_lo, double f_hi, double df) {
  if (t.size() != y.size() || t.size() < 4) throw std::invalid_argument("lomb: needs >= 4 samples of equal length");
  if (!(df > 0) || !(f_hi > f_lo) || !(f_lo > 0)) throw std::invalid_argument("lomb: bad frequency grid");
  const std::size_t n = t.size();
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n);
  const double t0 = t[0];
  const double span_s = t[n - 1] - t[0];
  const auto nf = static_cast<std::size_t>(std::floor((f_hi - f_lo) / df)) + 1;
  // rot[k] = e^{i w_k t} at the current frequency, step[k] = e^{i dw t}: advanced per frequency.
  std::vector<std::complex<double>> rot(n), step(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double tk = t[k] - t0;
    rot[k] = std::polar(1.0, 2 * std::numbers::pi * f_lo * tk);
    step[k] = std::polar(1.0, 2 * std::numbers::pi * df * tk);
  }
  Spectrum s;
  s.freq_hz.resize(nf);
  s.psd.resize(nf);
  for (std::size_t f = 0; f < nf; ++f) {
    double s2 = 0, c2 = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double c = rot[k].real(), si = rot[k].imag();
      s2 += 2 * si * c;
      c2 += c * c - si * si;
    }
    const double wtau = 0.5 * std::atan2(s2, c2); // w * tau
    const double ct = std::cos(wtau), st = std::sin(wtau);
    double yc = 0, ys = 0, cc = 0, ss = 0;
    for (std::size_t k = 0; k < n; ++k) {
      // cos(wt - wtau), sin(wt - wtau) from the rotation
      const double c = rot[k].real() * ct + rot[k].imag() * st;
      const double si = rot[k].imag() * ct - rot[k].real() * st;
      const double v = y[k] - mean;
      yc += v * c;
      ys += v * si;
      cc += c * c;
      ss += si * si;
      rot[k] *= step[k];
    }
    const double p = 0.5 * ((cc > 0 ? yc * yc / cc : 0) + (ss > 0 ? ys * ys / ss : 0));
    s.freq_hz[f] = f_lo + static_cast<double>(f) * df;
    s.psd[f] = 2.0 * span_s * p / static_cast<double>(n);
  }
  return s;
}

} // namespace pneuma::dsp
