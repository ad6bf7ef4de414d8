#include "pneuma/dsp/dfa.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace pneuma::dsp {
namespace {

/// Mean squared residual of y[0..n) about its least-squares line (k = 0..n-1).
double residual_ms(double const* y, int n) noexcept {
  const double kc = 0.5 * (n - 1);
  double ym = 0;
  for (int k = 0; k < n; ++k) ym += y[k];
  ym /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (int k = 0; k < n; ++k) {
    const double dx = k - kc, dy = y[k] - ym;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return (syy - sxy * sxy / sxx) / n;
}

} // namespace

double dfa_alpha(std::span<const double> x_in, DfaRange range) noexcept {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (range.min_beats < 3 || range.max_beats <= range.min_beats) return kNaN;
  // Profile (the only allocation; offline analysis, not the live path).
  std::vector<double> y;
  y.reserve(x_in.size());
  double mean = 0;
  int n = 0;
  for (double v : x_in)
    if (std::isfinite(v)) {
      mean += v;
      ++n;
    }
  if (n < 2 * range.max_beats) return kNaN;
  mean /= n;
  double acc = 0;
  for (double v : x_in)
    if (std::isfinite(v)) {
      acc += v - mean;
      y.push_back(acc);
    }
  // Least squares of log F on log n.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int points = 0;
  for (int scale = range.min_beats; scale <= range.max_beats; ++scale) {
    const int step = scale / 2;
    double sum = 0;
    int windows = 0;
    for (int start = 0; start < n - scale; start += step) { // NeuroKit: arange(0, N - n, n // 2)
      sum += residual_ms(y.data() + start, scale);
      ++windows;
    }
    if (windows == 0 || !(sum > 0)) continue;
    const double lf = std::log(std::sqrt(sum / windows)), ln = std::log(static_cast<double>(scale));
    sx += ln;
    sy += lf;
    sxx += ln * ln;
    sxy += ln * lf;
    ++points;
  }
  if (points < 2) return kNaN;
  return (points * sxy - sx * sy) / (points * sxx - sx * sx);
}

} // namespace pneuma::dsp
