#include "pneuma/dsp/hrv_time.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

namespace pneuma::dsp {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Welford accumulator: numerically stable mean and sample variance in one pass.
struct Moments {
  double n = 0, mean = 0, m2 = 0;
  void add(double x) noexcept {
    n += 1;
    const double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  [[nodiscard]] double sd() const noexcept { return n > 1 ? std::sqrt(m2 / (n - 1)) : kNaN; }
};
} // namespace

HrvTime hrv_time(std::span<const double> nn, std::span<const std::uint8_t> corrected) noexcept {
  const auto usable = [&](std::size_t i) { return std::isfinite(nn[i]) && nn[i] >= kMinRrMs; };
  const auto normal = [&](std::size_t i) { return usable(i) && (i >= corrected.size() || corrected[i] == 0); };
  HrvTime r;
  Moments all, diff, sum_pairs;
  double ss_diff = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
  int over50 = 0, over20 = 0;
  for (std::size_t i = 0; i < nn.size(); ++i) {
    const double x = nn[i];
    if (!usable(i)) continue;
    all.add(x);
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    if (i > 0 && normal(i) && normal(i - 1)) {
      const double d = x - nn[i - 1];
      diff.add(d);
      ss_diff += d * d;
      over50 += std::abs(d) > 50 ? 1 : 0;
      over20 += std::abs(d) > 20 ? 1 : 0;
      sum_pairs.add((x + nn[i - 1]) / std::numbers::sqrt2);
    }
  }
  r.n = static_cast<int>(all.n);
  r.n_diff = static_cast<int>(diff.n);
  if (r.n == 0) {
    r = {0, 0, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
    return r;
  }
  r.mean_nn_ms = all.mean;
  r.sdnn_ms = all.sd();
  r.mean_hr_bpm = 60000.0 / all.mean;
  r.rmssd_ms = r.n_diff > 0 ? std::sqrt(ss_diff / r.n_diff) : kNaN;
  r.sdsd_ms = diff.sd();
  r.pnn50_pct = r.n_diff > 0 ? 100.0 * over50 / r.n_diff : kNaN;
  r.pnn20_pct = r.n_diff > 0 ? 100.0 * over20 / r.n_diff : kNaN;
  r.sd1_ms = r.sdsd_ms / std::sqrt(2.0);
  r.sd2_ms = sum_pairs.sd();
  r.median_nn_ms = kNaN; // filled by the report (needs a sorted copy)

  // Baevsky: histogram in 50 ms bins; the mode bin is found without allocating (bins are few).
  const double width = 50.0;
  const int first = static_cast<int>(std::floor(lo / width));
  const int last = static_cast<int>(std::floor(hi / width));
  const double range_s = (hi - lo) / 1000.0;
  if (range_s > 0 && last - first < 400) {
    std::array<int, 400> counts{}; // 50 ms bins over at most 20 s of range: no allocation
    for (double x : nn)
      if (std::isfinite(x) && x >= kMinRrMs) ++counts[static_cast<std::size_t>(static_cast<int>(std::floor(x / width)) - first)];
    int best = 0, best_bin = first;
    for (int b = first; b <= last; ++b)
      if (counts[static_cast<std::size_t>(b - first)] > best) {
        best = counts[static_cast<std::size_t>(b - first)];
        best_bin = b;
      }
    const double mo_s = (best_bin + 0.5) * width / 1000.0;
    const double amo_pct = 100.0 * best / r.n;
    r.stress_index = amo_pct / (2.0 * mo_s * range_s);
  } else {
    r.stress_index = kNaN;
  }
  return r;
}

} // namespace pneuma::dsp
