#include "pneuma/dsp/hrv.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "pneuma/dsp/dfa.hpp"
#include "pneuma/dsp/sampen.hpp"

namespace pneuma::dsp {

HrvReport compute_hrv(std::span<const double> nn, std::span<const double> t_s, HrvOptions const& o) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  HrvReport r;
  r.time = hrv_time(nn, o.corrected);
  std::vector<double> sorted;
  sorted.reserve(nn.size());
  for (double v : nn)
    if (std::isfinite(v) && v >= kMinRrMs) sorted.push_back(v);
  if (!sorted.empty()) {
    const auto mid = sorted.begin() + static_cast<long>(sorted.size() / 2);
    std::nth_element(sorted.begin(), mid, sorted.end());
    r.time.median_nn_ms = sorted.size() % 2 ? *mid : 0.5 * (*mid + *std::max_element(sorted.begin(), mid));
  }
  r.freq = hrv_frequency(nn, t_s, o.frequency);
  r.dfa_alpha1 = r.dfa_alpha2 = r.sampen = kNaN;
  if (o.nonlinear) {
    r.dfa_alpha1 = dfa_alpha(nn, {o.dfa1_min, o.dfa1_max});
    r.dfa_alpha2 = dfa_alpha(nn, {o.dfa2_min, o.dfa2_max});
    r.sampen = sample_entropy(nn, 2, o.sampen_r);
  }
  r.artifact_pct = o.artifact_pct;
  double duration_s = 0;
  for (double v : sorted) duration_s += v / 1000.0;
  r.poor_quality = o.artifact_pct > 5.0 || duration_s < 60.0;
  return r;
}

} // namespace pneuma::dsp
