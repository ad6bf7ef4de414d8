#include "pneuma/dsp/breath_count.hpp"

#include <algorithm>
#include <cmath>

#include "pneuma/dsp/spline.hpp"

namespace pneuma::dsp {

std::vector<double> smoothed_grid(std::span<const double> values, SampleRate fs, double t0_s, double t1_s,
                                  SampleRate grid) {
  std::vector<double> t, v;
  const double rate = fs.hz();
  const auto first = static_cast<std::size_t>(std::max(0.0, std::floor(t0_s * rate)));
  const auto last = std::min(values.size(), static_cast<std::size_t>(std::ceil(t1_s * rate)) + 1);
  const int half = std::max(0, static_cast<int>(rate / grid.hz() / 2));
  for (std::size_t i = first; i < last; ++i) {
    double sum = 0;
    int count = 0;
    for (int k = -half; k <= half; ++k) {
      const long j = static_cast<long>(i) + k;
      if (j < 0 || j >= static_cast<long>(values.size())) continue;
      const double x = values[static_cast<std::size_t>(j)];
      if (std::isfinite(x)) {
        sum += x;
        ++count;
      }
    }
    if (count == 0) continue;
    t.push_back(static_cast<double>(i) / rate);
    v.push_back(sum / count);
  }
  return linear_resample(t, v, t0_s, t1_s, grid);
}

std::optional<double> counted_breath_rate(std::span<const double> v, SampleRate grid, double period_s) {
  const int n = static_cast<int>(v.size());
  const double g = grid.hz();
  const int half_base = std::max(2, static_cast<int>(period_s * g / 2));
  const int half_smooth = std::max(1, static_cast<int>(g / 2)); // 1 s moving mean
  // Each moving mean keeps its full length at the window's ends (slid inwards, no longer
  // centred): one shortened there follows the breath itself, and the difference crosses zero
  // once more at the edge. A whole period's mean nulls the breath wherever it sits.
  const auto mean = [&](std::vector<double> const& sum, int i, int half) {
    const int len = std::min(n, 2 * half + 1);
    const int lo = std::clamp(i - half, 0, n - len);
    return (sum[static_cast<std::size_t>(lo + len)] - sum[static_cast<std::size_t>(lo)]) / len;
  };
  std::vector<double> sum(v.size() + 1, 0.0);
  for (int i = 0; i < n; ++i) sum[static_cast<std::size_t>(i + 1)] = sum[static_cast<std::size_t>(i)] + v[static_cast<std::size_t>(i)];
  std::vector<double> x(v.size());
  for (int i = 0; i < n; ++i) x[static_cast<std::size_t>(i)] = mean(sum, i, half_smooth) - mean(sum, i, half_base);
  double var = 0;
  for (double a : x) var += a * a;
  const double sd = std::sqrt(var / std::max(1, n));
  if (!(sd > 0)) return std::nullopt;
  std::vector<double> ups;
  bool armed = false;
  for (int i = 1; i < n; ++i) {
    const double a = x[static_cast<std::size_t>(i)];
    if (a < -0.1 * sd) armed = true;
    if (armed && a >= 0.1 * sd) {
      ups.push_back(i / g);
      armed = false;
    }
  }
  if (ups.size() < 3) return std::nullopt;
  return 60.0 * static_cast<double>(ups.size() - 1) / (ups.back() - ups.front());
}

} // namespace pneuma::dsp
