#include "pneuma/dsp/hrv_window.hpp"

#include <cmath>

#include "pneuma/dsp/hrv_time.hpp"
#include <stdexcept>

namespace pneuma::dsp {

HrvWindows::HrvWindows(std::array<double, kWindows> spans) : span_(spans) {
  for (int w = 0; w < kWindows; ++w)
    if (!(spans[static_cast<std::size_t>(w)] > 0) || (w > 0 && spans[static_cast<std::size_t>(w)] < spans[static_cast<std::size_t>(w - 1)]))
      throw std::invalid_argument("HRV windows: spans must be > 0 and ascending");
  cap_ = static_cast<std::int64_t>(spans[kWindows - 1] * 4.0) + 16; // 240 beats/min
  ring_.resize(static_cast<std::size_t>(cap_));
}

void HrvWindows::reset() noexcept {
  head_ = 0;
  sums_ = {};
  last_artifact_ = false;
}

void HrvWindows::add(Sums& s, Beat const& b, bool has_prev) noexcept {
  s.n += 1;
  s.sx += b.x;
  s.sxx += b.x * b.x;
  s.artifacts += b.artifact ? 1 : 0;
  if (has_prev && b.diff_ok) {
    s.sdd += b.d * b.d;
    s.nd += 1;
    s.over50 += std::abs(b.d) > 50 ? 1 : 0;
  }
}

void HrvWindows::remove(Sums& s, Beat const& b, Beat const* next) noexcept {
  s.n -= 1;
  s.sx -= b.x;
  s.sxx -= b.x * b.x;
  s.artifacts -= b.artifact ? 1 : 0;
  if (next != nullptr && next->diff_ok) { // the difference into the next beat leaves with b
    s.sdd -= next->d * next->d;
    s.nd -= 1;
    s.over50 -= std::abs(next->d) > 50 ? 1 : 0;
  }
}

void HrvWindows::rebuild() noexcept {
  for (auto& s : sums_) {
    const std::int64_t tail = s.tail;
    s = {};
    s.tail = tail;
    for (std::int64_t i = tail; i < head_; ++i) add(s, at(i), i > tail);
  }
}

void HrvWindows::push(double t_s, double rr_ms, bool artifact, bool after_gap) noexcept {
  if (!std::isfinite(t_s) || !std::isfinite(rr_ms) || rr_ms < kMinRrMs) return;
  if (head_ == 0) offset_ = rr_ms;
  Beat b;
  b.t = t_s;
  b.x = rr_ms - offset_;
  b.artifact = artifact;
  // Normal-to-normal: no difference into or out of a corrected beat (hrv_time.hpp).
  b.diff_ok = head_ > 0 && !after_gap && !artifact && !last_artifact_;
  b.d = b.diff_ok ? rr_ms - last_rr_ : 0;
  last_rr_ = rr_ms;
  last_artifact_ = artifact;
  // The ring must not overwrite a beat the longest window still holds.
  if (head_ - sums_[kWindows - 1].tail >= cap_) {
    Sums& s = sums_[kWindows - 1];
    remove(s, at(s.tail), &at(s.tail + 1));
    ++s.tail;
  }
  ring_[static_cast<std::size_t>(head_ % cap_)] = b;
  for (int w = 0; w < kWindows; ++w) {
    Sums& s = sums_[static_cast<std::size_t>(w)];
    add(s, b, s.n > 0);
  }
  ++head_;
  for (int w = 0; w < kWindows; ++w) {
    Sums& s = sums_[static_cast<std::size_t>(w)];
    while (head_ - s.tail > 1 && at(s.tail).t < t_s - span_[static_cast<std::size_t>(w)]) {
      remove(s, at(s.tail), &at(s.tail + 1));
      ++s.tail;
    }
  }
  if (head_ % 4096 == 0) rebuild();
}

HrvWindowStats HrvWindows::stats(int w) const noexcept {
  HrvWindowStats r;
  if (w < 0 || w >= kWindows) return r;
  Sums const& s = sums_[static_cast<std::size_t>(w)];
  r.span_s = span_[static_cast<std::size_t>(w)];
  r.n = static_cast<int>(std::lround(s.n));
  const double nan = std::nan("");
  if (r.n < 2) {
    r.mean_nn_ms = r.sdnn_ms = r.rmssd_ms = r.pnn50_pct = r.mean_hr_bpm = r.artifact_pct = nan;
    r.poor = true;
    return r;
  }
  const double mean_x = s.sx / s.n;
  r.mean_nn_ms = mean_x + offset_;
  r.sdnn_ms = std::sqrt(std::max(0.0, (s.sxx - s.n * mean_x * mean_x) / (s.n - 1)));
  r.rmssd_ms = s.nd > 0 ? std::sqrt(std::max(0.0, s.sdd) / s.nd) : nan;
  r.pnn50_pct = s.nd > 0 ? 100.0 * s.over50 / s.nd : nan;
  r.mean_hr_bpm = 60000.0 / r.mean_nn_ms;
  r.artifact_pct = 100.0 * s.artifacts / s.n;
  const double covered = at(head_ - 1).t - at(s.tail).t + (r.mean_nn_ms / 1000.0);
  r.complete = covered >= r.span_s * 0.95;
  r.poor = r.artifact_pct > 5.0 || s.nd < 1;
  return r;
}

} // namespace pneuma::dsp
