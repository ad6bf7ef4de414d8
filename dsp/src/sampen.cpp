#include "pneuma/dsp/sampen.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace pneuma::dsp {
namespace {

/// Fenwick tree of counts over slots 0..n-1.
struct Fenwick {
  std::vector<std::int32_t> t;
  explicit Fenwick(std::size_t n = 0) : t(n + 1, 0) {}
  void add(std::size_t i, std::int32_t v) noexcept {
    for (++i; i < t.size(); i += i & (~i + 1)) t[i] += v;
  }
  [[nodiscard]] std::int64_t prefix(std::size_t i) const noexcept { // slots [0, i)
    std::int64_t s = 0;
    for (; i > 0; i -= i & (~i + 1)) s += t[i];
    return s;
  }
};

/// Slot of a value among sorted values: equal values share the slot of the first of them.
std::size_t slot_of(std::vector<double> const& sorted, double v) {
  return static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
}

/// Fenwick tree over y slots whose nodes hold Fenwick trees over the sorted z of their points:
/// dynamic 2-D rectangle counting with offline coordinates, O(log^2 N) per operation.
class Fenwick2d {
public:
  Fenwick2d(std::vector<double> const& y, std::vector<double> const& z) : ys_(y) {
    std::sort(ys_.begin(), ys_.end());
    const std::size_t n = y.size();
    std::vector<std::size_t> count(n + 2, 0);
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t i = slot_of(ys_, y[p]) + 1; i <= n; i += i & (~i + 1)) ++count[i];
    offset_.assign(n + 2, 0);
    for (std::size_t i = 1; i <= n + 1; ++i) offset_[i] = offset_[i - 1] + count[i - 1];
    zs_.assign(offset_[n + 1], 0.0);
    std::vector<std::size_t> fill(offset_.begin(), offset_.end());
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t i = slot_of(ys_, y[p]) + 1; i <= n; i += i & (~i + 1)) zs_[fill[i]++] = z[p];
    for (std::size_t i = 1; i <= n; ++i)
      std::sort(zs_.begin() + static_cast<long>(offset_[i]), zs_.begin() + static_cast<long>(offset_[i + 1]));
    bit_.assign(zs_.size() + n + 2, 0);
  }
  void add(double y, double z, std::int32_t v) noexcept {
    const std::size_t n = ys_.size();
    for (std::size_t i = slot_of(ys_, y) + 1; i <= n; i += i & (~i + 1)) {
      auto const b = zs_.begin() + static_cast<long>(offset_[i]), e = zs_.begin() + static_cast<long>(offset_[i + 1]);
      const auto pos = static_cast<std::size_t>(std::lower_bound(b, e, z) - b);
      const std::size_t len = offset_[i + 1] - offset_[i];
      std::int32_t* t = bit_.data() + offset_[i] + i; // node i's tree: len + 1 cells
      for (std::size_t k = pos + 1; k <= len; k += k & (~k + 1)) t[k] += v;
    }
  }
  /// Points with y in [ylo, yhi] and z in [zlo, zhi].
  [[nodiscard]] std::int64_t count(double ylo, double yhi, double zlo, double zhi) const noexcept {
    const auto hi = static_cast<std::size_t>(std::upper_bound(ys_.begin(), ys_.end(), yhi) - ys_.begin());
    const auto lo = static_cast<std::size_t>(std::lower_bound(ys_.begin(), ys_.end(), ylo) - ys_.begin());
    return prefix(hi, zlo, zhi) - prefix(lo, zlo, zhi);
  }

private:
  [[nodiscard]] std::int64_t prefix(std::size_t i, double zlo, double zhi) const noexcept {
    std::int64_t s = 0;
    for (; i > 0; i -= i & (~i + 1)) {
      auto const b = zs_.begin() + static_cast<long>(offset_[i]), e = zs_.begin() + static_cast<long>(offset_[i + 1]);
      const auto lo = static_cast<std::size_t>(std::lower_bound(b, e, zlo) - b);
      const auto hi = static_cast<std::size_t>(std::upper_bound(b, e, zhi) - b);
      std::int32_t const* t = bit_.data() + offset_[i] + i;
      for (std::size_t k = hi; k > 0; k -= k & (~k + 1)) s += t[k];
      for (std::size_t k = lo; k > 0; k -= k & (~k + 1)) s -= t[k];
    }
    return s;
  }
  std::vector<double> ys_;
  std::vector<std::size_t> offset_;
  std::vector<double> zs_;
  std::vector<std::int32_t> bit_;
};

/// Dense 2-D Fenwick tree over distinct (y, z) values: for quantised data (RR from a device clock
/// has a few hundred distinct values), O(log Uy log Uz) per operation, cache-friendly.
class Dense2d {
public:
  Dense2d(std::vector<double> ys, std::vector<double> zs) : ys_(std::move(ys)), zs_(std::move(zs)) {
    ny_ = ys_.size();
    nz_ = zs_.size();
    t_.assign((ny_ + 1) * (nz_ + 1), 0);
  }
  void add(double y, double z, std::int32_t v) noexcept {
    for (std::size_t i = slot_of(ys_, y) + 1; i <= ny_; i += i & (~i + 1))
      for (std::size_t j = slot_of(zs_, z) + 1; j <= nz_; j += j & (~j + 1)) t_[i * (nz_ + 1) + j] += v;
  }
  [[nodiscard]] std::int64_t count(double ylo, double yhi, double zlo, double zhi) const noexcept {
    const auto y1 = static_cast<std::size_t>(std::lower_bound(ys_.begin(), ys_.end(), ylo) - ys_.begin());
    const auto y2 = static_cast<std::size_t>(std::upper_bound(ys_.begin(), ys_.end(), yhi) - ys_.begin());
    const auto z1 = static_cast<std::size_t>(std::lower_bound(zs_.begin(), zs_.end(), zlo) - zs_.begin());
    const auto z2 = static_cast<std::size_t>(std::upper_bound(zs_.begin(), zs_.end(), zhi) - zs_.begin());
    return prefix(y2, z2) - prefix(y1, z2) - prefix(y2, z1) + prefix(y1, z1);
  }

private:
  [[nodiscard]] std::int64_t prefix(std::size_t i, std::size_t j0) const noexcept {
    std::int64_t s = 0;
    for (; i > 0; i -= i & (~i + 1))
      for (std::size_t j = j0; j > 0; j -= j & (~j + 1)) s += t_[i * (nz_ + 1) + j];
    return s;
  }
  std::vector<double> ys_, zs_;
  std::size_t ny_ = 0, nz_ = 0;
  std::vector<std::int32_t> t_;
};

std::vector<double> distinct(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

/// The 3-D sweep with either 2-D counter.
template <class Counter>
std::int64_t sweep3(std::vector<double> const& x, std::vector<std::size_t> const& order, std::vector<double> const& ys,
                    std::vector<double> const& zs, double r, Counter& f) {
  std::int64_t pairs = 0;
  std::size_t left = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t p = order[k];
    while (x[order[left]] < x[p] - r) {
      const std::size_t q = order[left++];
      f.add(ys[q], zs[q], -1);
    }
    pairs += f.count(ys[p] - r, ys[p] + r, zs[p] - r, zs[p] + r);
    f.add(ys[p], zs[p], 1);
  }
  return pairs;
}

/// Pairs (i < j) of templates within Chebyshev distance r, templates of length `dim` (1..3)
/// starting at 0..count-1 of x.
std::int64_t count_pairs(std::vector<double> const& x, std::size_t count, int dim, double r) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::int64_t pairs = 0;
  std::size_t left = 0;
  if (dim == 1) {
    for (std::size_t k = 0; k < count; ++k) {
      while (x[order[left]] < x[order[k]] - r) ++left;
      pairs += static_cast<std::int64_t>(k - left);
    }
    return pairs;
  }
  if (dim == 2) {
    std::vector<double> ys(count);
    for (std::size_t i = 0; i < count; ++i) ys[i] = x[i + 1];
    std::vector<double> sorted = ys;
    std::sort(sorted.begin(), sorted.end());
    Fenwick f(count);
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t p = order[k];
      while (x[order[left]] < x[p] - r) f.add(slot_of(sorted, ys[order[left++]]), -1);
      const auto hi = static_cast<std::size_t>(std::upper_bound(sorted.begin(), sorted.end(), ys[p] + r) - sorted.begin());
      pairs += f.prefix(hi) - f.prefix(slot_of(sorted, ys[p] - r));
      f.add(slot_of(sorted, ys[p]), 1);
    }
    return pairs;
  }
  std::vector<double> ys(count), zs(count);
  for (std::size_t i = 0; i < count; ++i) {
    ys[i] = x[i + 1];
    zs[i] = x[i + 2];
  }
  auto uy = distinct(ys), uz = distinct(zs);
  if (uy.size() * uz.size() <= 4'000'000) { // quantised data: dense counter
    Dense2d f(std::move(uy), std::move(uz));
    return sweep3(x, order, ys, zs, r, f);
  }
  Fenwick2d f(ys, zs);
  return sweep3(x, order, ys, zs, r, f);
}

/// Any m: sweep in order of the first coordinate, check the rest directly.
std::int64_t count_pairs_sweep(std::vector<double> const& x, std::size_t count, int dim, double r) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::int64_t pairs = 0;
  for (std::size_t a = 0; a < count; ++a)
    for (std::size_t b = a + 1; b < count && x[order[b]] - x[order[a]] <= r; ++b) {
      bool ok = true;
      for (int k = 1; k < dim && ok; ++k)
        ok = std::abs(x[order[a] + static_cast<std::size_t>(k)] - x[order[b] + static_cast<std::size_t>(k)]) <= r;
      pairs += ok ? 1 : 0;
    }
  return pairs;
}

} // namespace

double sample_entropy_r(std::span<const double> x_in, int m, double r) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> x;
  x.reserve(x_in.size());
  for (double v : x_in)
    if (std::isfinite(v)) x.push_back(v);
  if (m < 1 || x.size() < static_cast<std::size_t>(m) + 2 || !(r >= 0)) return kNaN;
  const std::size_t templates = x.size() - static_cast<std::size_t>(m);
  const bool fast = m + 1 <= 3;
  const std::int64_t b = fast ? count_pairs(x, templates, m, r) : count_pairs_sweep(x, templates, m, r);
  const std::int64_t a = fast ? count_pairs(x, templates, m + 1, r) : count_pairs_sweep(x, templates, m + 1, r);
  if (a == 0 || b == 0) return kNaN;
  return -std::log(static_cast<double>(a) / static_cast<double>(b));
}

double sample_entropy(std::span<const double> x, int m, double r_factor) {
  double mean = 0, n = 0;
  for (double v : x)
    if (std::isfinite(v)) {
      mean += v;
      n += 1;
    }
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  mean /= n;
  double ss = 0;
  for (double v : x)
    if (std::isfinite(v)) ss += (v - mean) * (v - mean);
  return sample_entropy_r(x, m, r_factor * std::sqrt(ss / (n - 1)));
}

} // namespace pneuma::dsp
