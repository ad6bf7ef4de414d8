#include "pneuma/dsp/hr_resp_phase.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::dsp {
namespace {
constexpr std::int64_t kWindow = static_cast<std::int64_t>(HrRespPhaseTracker::kWindowS * HrRespPhaseTracker::kFs);
constexpr std::int64_t kHop = static_cast<std::int64_t>(HrRespPhaseTracker::kHopS * HrRespPhaseTracker::kFs);
// Accepted beats further apart than this (a lost notification, a run of ectopics), or a breathing
// signal that stops this long: the straight line across would be made-up data, so start over.
constexpr double kMaxGapS = 3.0;
// Sinus rhythm changes RR by less than this from one beat to the next (resp_derived.hpp).
constexpr double kRrMaxStep = 0.2;
} // namespace

HrRespPhaseTracker::HrRespPhaseTracker()
    : coupling_(SampleRate(kFs), kWindowS / 2), gate_(kRrMaxStep), x_(static_cast<std::size_t>(kWindow)),
      y_(static_cast<std::size_t>(kWindow)) {}

void HrRespPhaseTracker::Series::add(double t, double value, double max_gap_s) noexcept {
  if (next >= 0 && !(t > last_t)) return;
  if (next < 0 || t - last_t > max_gap_s) {
    next = static_cast<std::int64_t>(std::ceil(t * kFs));
    start = next;
  } else {
    for (; static_cast<double>(next) / kFs <= t; ++next) {
      const double w = (static_cast<double>(next) / kFs - last_t) / (t - last_t);
      v[static_cast<std::size_t>(next % kRing)] = last_v + w * (value - last_v);
    }
  }
  last_t = t;
  last_v = value;
}

void HrRespPhaseTracker::beat(double t_s, double rr_ms) noexcept {
  if (!(rr_ms > 250.0) || !(rr_ms < 2500.0) || !std::isfinite(t_s) || !gate_.accept(rr_ms)) return;
  // The interval's mean rate belongs to its middle.
  hr_.add(t_s - rr_ms / 2000.0, 60000.0 / rr_ms, kMaxGapS);
  maybe_compute();
}

void HrRespPhaseTracker::breathing(double t_s, double value) noexcept {
  if (!std::isfinite(t_s) || !std::isfinite(value)) return;
  br_.add(t_s, value, kMaxGapS);
  maybe_compute();
}

void HrRespPhaseTracker::restart() noexcept {
  br_.reset();
  result_ = {};
  next_compute_ = 0;
}

void HrRespPhaseTracker::maybe_compute() noexcept {
  if (hr_.next < 0 || br_.next < 0) return;
  const std::int64_t end = std::min(hr_.next, br_.next); // both filled below this index
  const std::int64_t first = std::max(hr_.start, br_.start);
  if (end - first < kWindow || end - kWindow < std::max(hr_.next, br_.next) - kRing) {
    if (end >= next_compute_) result_ = {}; // a gap: the last estimate is stale
    return;
  }
  if (end < next_compute_) return;
  next_compute_ = end + kHop;
  for (std::int64_t i = 0; i < kWindow; ++i) {
    const auto k = static_cast<std::size_t>((end - kWindow + i) % kRing);
    x_[static_cast<std::size_t>(i)] = hr_.v[k];
    y_[static_cast<std::size_t>(i)] = br_.v[k];
  }
  const HrRespCoupling c = coupling_.compute(x_, y_);
  HrRespPhase r;
  if (c.segments == 0 || !(c.breathing_hz > 0)) {
    result_ = r;
    return;
  }
  r.msc = c.msc;
  r.breathing_hz = c.breathing_hz;
  if (!(c.msc >= kMinMsc)) {
    r.withheld = PhaseWithheld::low_coherence;
  } else {
    r.withheld = PhaseWithheld::none;
    r.phase_deg = c.phase_deg;
    // The phase is that of the breathing frequency itself (both spectra leak it alike into the
    // peak bin); the hint is used when it lies within a bin of the peak, i.e. it is this breath.
    const double hint_hz = rate_hint_bpm_ / 60.0;
    const double f = std::abs(hint_hz - c.breathing_hz) <= 2.0 * kFs / static_cast<double>(kWindow) ? hint_hz : c.breathing_hz;
    r.lag_s = -c.phase_deg / (360.0 * f);
  }
  result_ = r;
}

} // namespace pneuma::dsp
