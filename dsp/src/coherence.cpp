#include "pneuma/dsp/coherence.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace pneuma::dsp {

CoherenceTracker::CoherenceTracker()
    : fft_(kFft), frame_(static_cast<std::size_t>(kFft), 0.0F), bins_(static_cast<std::size_t>(kFft / 2 + 1)) {}

void CoherenceTracker::reset() noexcept {
  head_ = count_ = 0;
  next_update_ = -1;
}

std::optional<Coherence> CoherenceTracker::push(double t_s, double rr_ms) noexcept {
  if (!std::isfinite(t_s) || !std::isfinite(rr_ms) || rr_ms <= 0) return std::nullopt;
  if (count_ > 0 && !(t_s > t_[static_cast<std::size_t>((head_ + kBeats - 1) % kBeats)])) return std::nullopt;
  t_[static_cast<std::size_t>(head_)] = t_s;
  rr_[static_cast<std::size_t>(head_)] = rr_ms;
  head_ = (head_ + 1) % kBeats;
  count_ = std::min(count_ + 1, kBeats);
  const double oldest = t_[static_cast<std::size_t>((head_ + kBeats - count_) % kBeats)];
  if (t_s - oldest < kWindowS) return std::nullopt;
  if (next_update_ < 0) next_update_ = t_s;
  if (t_s < next_update_) return std::nullopt;
  next_update_ = t_s + kUpdateS;
  return compute(t_s);
}

std::optional<Coherence> CoherenceTracker::compute(double t_end) noexcept {
  // IBI every 0.5 s over [t_end - 64, t_end), linear between beats (each value held at its beat).
  std::array<double, kPoints> y{};
  const double dt = kWindowS / kPoints;
  int k = (head_ + kBeats - count_) % kBeats; // oldest
  int seen = 0;
  for (int i = 0; i < kPoints; ++i) {
    const double t = t_end - kWindowS + (i + 0.5) * dt;
    auto at = [&](int j) { return static_cast<std::size_t>(j % kBeats); };
    while (seen + 1 < count_ && t_[at(k + 1)] < t) {
      k = (k + 1) % kBeats;
      ++seen;
    }
    const std::size_t a = at(k), b = at(k + 1);
    if (seen + 1 >= count_ || t <= t_[a]) {
      y[static_cast<std::size_t>(i)] = rr_[a];
    } else {
      const double w = (t - t_[a]) / (t_[b] - t_[a]);
      y[static_cast<std::size_t>(i)] = rr_[a] + w * (rr_[b] - rr_[a]);
    }
  }
  // Remove mean and linear trend, Hann window, zero-pad.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < kPoints; ++i) {
    sx += i;
    sy += y[static_cast<std::size_t>(i)];
    sxx += static_cast<double>(i) * i;
    sxy += i * y[static_cast<std::size_t>(i)];
  }
  const double slope = (kPoints * sxy - sx * sy) / (kPoints * sxx - sx * sx);
  const double icpt = (sy - slope * sx) / kPoints;
  double wss = 0;
  std::fill(frame_.begin(), frame_.end(), 0.0F);
  for (int i = 0; i < kPoints; ++i) {
    const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / kPoints);
    wss += w * w;
    frame_[static_cast<std::size_t>(i)] = static_cast<float>((y[static_cast<std::size_t>(i)] - icpt - slope * i) * w);
  }
  if (!fft_.forward(frame_, bins_)) return std::nullopt; // sized at construction: never
  const double fs = 1.0 / dt, df = fs / kFft;
  // Density (ms^2/Hz); bin power = density * df. Zero padding does not change the density scale.
  auto power = [&](std::size_t b) { return 2.0 * std::norm(std::complex<double>(bins_[b])) / (fs * wss) * df; };
  double total = 0, best = -1;
  std::size_t peak = 0;
  for (std::size_t b = 1; b < bins_.size(); ++b) {
    const double f = static_cast<double>(b) * df;
    if (f >= 0.0033 && f <= 0.4) total += power(b);
    if (f >= 0.04 && f <= 0.26 && power(b) > best) {
      best = power(b);
      peak = b;
    }
  }
  Coherence c;
  c.t_s = t_end;
  c.peak_hz = static_cast<double>(peak) * df;
  double ppeak = 0;
  for (std::size_t b = 1; b < bins_.size(); ++b)
    if (std::abs(static_cast<double>(b) * df - c.peak_hz) <= 0.015) ppeak += power(b);
  c.peak_power_ms2 = ppeak;
  c.total_power_ms2 = total;
  const double rest = total - ppeak;
  c.ratio = rest > 1e-12 ? ppeak / rest : (ppeak > 0 ? 1e6 : 0.0);
  c.ratio_sq = c.ratio * c.ratio;
  return c;
}

std::vector<Coherence> coherence_series(std::span<const double> t_s, std::span<const double> rr_ms) {
  CoherenceTracker tracker;
  std::vector<Coherence> out;
  for (std::size_t i = 0; i < t_s.size() && i < rr_ms.size(); ++i)
    if (auto c = tracker.push(t_s[i], rr_ms[i])) out.push_back(*c);
  return out;
}

double mean_coherence(std::span<const double> t_s, std::span<const double> rr_ms) {
  std::vector<double> t, rr;
  for (std::size_t i = 0; i < t_s.size() && i < rr_ms.size(); ++i)
    if (std::isfinite(rr_ms[i]) && std::isfinite(t_s[i])) {
      t.push_back(t_s[i]);
      rr.push_back(rr_ms[i]);
    }
  double sum = 0;
  int count = 0;
  for (auto const& c : coherence_series(t, rr))
    if (std::isfinite(c.ratio)) {
      sum += c.ratio;
      ++count;
    }
  return count > 0 ? sum / count : std::nan("");
}

} // namespace pneuma::dsp
