#include "pneuma/dsp/spline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pneuma::dsp {

std::vector<double> cubic_spline_resample(std::span<const double> t, std::span<const double> y, SampleRate fs) {
  const std::size_t n = t.size();
  if (n != y.size()) throw std::invalid_argument("spline: t and y differ in length");
  if (n < 2) throw std::invalid_argument("spline: needs at least 2 knots");
  for (std::size_t k = 1; k < n; ++k)
    if (!(t[k] > t[k - 1])) throw std::invalid_argument("spline: knot times must increase");
  // Second derivatives M by the Thomas algorithm (natural ends: M0 = Mn-1 = 0).
  std::vector<double> m(n, 0.0), c(n, 0.0), d(n, 0.0);
  for (std::size_t k = 1; k + 1 < n; ++k) {
    const double h0 = t[k] - t[k - 1], h1 = t[k + 1] - t[k];
    const double a = h0, b = 2 * (h0 + h1), cc = h1;
    const double rhs = 6 * ((y[k + 1] - y[k]) / h1 - (y[k] - y[k - 1]) / h0);
    const double denom = b - a * c[k - 1];
    c[k] = cc / denom;
    d[k] = (rhs - a * d[k - 1]) / denom;
  }
  for (std::size_t k = n - 1; k-- > 1;) m[k] = d[k] - c[k] * m[k + 1];

  const double dt = fs.period_s();
  const auto count = static_cast<std::size_t>(std::floor((t[n - 1] - t[0]) / dt)) + 1;
  std::vector<double> out(count);
  std::size_t k = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const double x = t[0] + static_cast<double>(i) * dt;
    while (k + 2 < n && x > t[k + 1]) ++k;
    const double h = t[k + 1] - t[k];
    const double a = (t[k + 1] - x) / h, b = (x - t[k]) / h;
    out[i] = a * y[k] + b * y[k + 1] + ((a * a * a - a) * m[k] + (b * b * b - b) * m[k + 1]) * h * h / 6.0;
  }
  return out;
}

std::vector<double> linear_resample(std::span<const double> t, std::span<const double> v, double t0_s,
                                    double t1_s, SampleRate fs) {
  std::vector<double> out;
  if (t.size() < 2 || v.size() != t.size()) return out;
  std::size_t j = 0;
  for (double x = t0_s; x < t1_s; x += 1.0 / fs.hz()) {
    while (j + 2 < t.size() && t[j + 1] <= x) ++j;
    const double u = std::clamp((x - t[j]) / std::max(1e-9, t[j + 1] - t[j]), 0.0, 1.0);
    out.push_back(v[j] + u * (v[j + 1] - v[j]));
  }
  return out;
}

} // namespace pneuma::dsp
