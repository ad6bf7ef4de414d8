#include "pneuma/dsp/resp_rate_smoother.hpp"

#include <utility>

namespace pneuma::dsp {

double RespRateSmoother::plausible_share() const noexcept {
  if (n_ < 3) return 1.0;
  std::array<double, kRegularityBreaths> v = periods_;
  for (int i = 1; i < n_; ++i) // insertion sort (tiny N; std::sort trips -Warray-bounds)
    for (int j = i; j > 0 && v[static_cast<std::size_t>(j - 1)] > v[static_cast<std::size_t>(j)]; --j)
      std::swap(v[static_cast<std::size_t>(j - 1)], v[static_cast<std::size_t>(j)]);
  const double med = v[static_cast<std::size_t>(n_ / 2)];
  int ok = 0;
  for (int i = 0; i < n_; ++i)
    ok += (v[static_cast<std::size_t>(i)] >= 0.5 * med && v[static_cast<std::size_t>(i)] <= 2 * med);
  return static_cast<double>(ok) / n_;
}

} // namespace pneuma::dsp
