#include "pneuma/dsp/rsa_phase.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace pneuma::dsp {
namespace {
/// Mean + linear trend removed, Hann applied, into a float frame.
void prepare(std::span<const double> x, std::vector<double> const& w, std::vector<float>& out) {
  const auto n = static_cast<double>(w.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double t = static_cast<double>(i);
    sx += t;
    sy += x[i];
    sxx += t * t;
    sxy += t * x[i];
  }
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const double icpt = (sy - slope * sx) / n;
  for (std::size_t i = 0; i < w.size(); ++i)
    out[i] = static_cast<float>((x[i] - icpt - slope * static_cast<double>(i)) * w[i]);
}
} // namespace

HrRespCouplingAnalyzer::HrRespCouplingAnalyzer(SampleRate fs, double segment_s)
    : fs_(fs), len_(fs.samples_in(segment_s) & ~1), fft_(std::max(16, fs.samples_in(segment_s) & ~1)) {
  if (len_ < 16) throw std::invalid_argument("HR-respiration coupling: segment must hold >= 16 samples");
  window_.resize(static_cast<std::size_t>(len_));
  for (int i = 0; i < len_; ++i) window_[static_cast<std::size_t>(i)] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / len_);
  fx_.resize(window_.size());
  fy_.resize(window_.size());
  bx_.resize(static_cast<std::size_t>(fft_.bins()));
  by_.resize(bx_.size());
  sxy_.resize(bx_.size());
  sxx_.resize(bx_.size());
  syy_.resize(bx_.size());
}

HrRespCoupling HrRespCouplingAnalyzer::compute(std::span<const double> hr, std::span<const double> resp) noexcept {
  HrRespCoupling r;
  if (hr.size() != resp.size() || hr.size() < static_cast<std::size_t>(len_)) return r;
  std::fill(sxy_.begin(), sxy_.end(), std::complex<double>{});
  std::fill(sxx_.begin(), sxx_.end(), 0.0);
  std::fill(syy_.begin(), syy_.end(), 0.0);
  const auto len = static_cast<std::size_t>(len_);
  for (std::size_t start = 0; start + len <= hr.size(); start += len / 2) {
    prepare(hr.subspan(start, len), window_, fx_);
    prepare(resp.subspan(start, len), window_, fy_);
    if (!fft_.forward(fx_, bx_) || !fft_.forward(fy_, by_)) return r; // sized at set-up: never
    for (std::size_t k = 0; k < bx_.size(); ++k) {
      const std::complex<double> x(bx_[k]), y(by_[k]);
      sxy_[k] += x * std::conj(y);
      sxx_[k] += std::norm(x);
      syy_[k] += std::norm(y);
    }
    ++r.segments;
  }
  const double df = fs_.hz() / len_;
  std::size_t peak = 0;
  double best = -1;
  for (std::size_t k = 1; k < syy_.size(); ++k) {
    const double f = static_cast<double>(k) * df;
    if (f >= 0.04 && f <= 0.5 && syy_[k] > best) {
      best = syy_[k];
      peak = k;
    }
  }
  if (peak == 0 || sxx_[peak] <= 0 || syy_[peak] <= 0) return r;
  r.breathing_hz = static_cast<double>(peak) * df;
  r.msc = std::norm(sxy_[peak]) / (sxx_[peak] * syy_[peak]);
  r.phase_deg = std::arg(sxy_[peak]) * 180.0 / std::numbers::pi;
  return r;
}

std::vector<double> hr_on_grid(std::span<const double> t, std::span<const double> rr, double t0, SampleRate fs, std::size_t n) {
  std::vector<double> out(n, std::nan(""));
  std::size_t b = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = t0 + static_cast<double>(i) / fs.hz();
    while (b + 1 < t.size() && t[b + 1] <= x) ++b;
    if (t.empty()) break;
    if (b + 1 >= t.size() || x <= t[b]) {
      out[i] = 60000.0 / rr[b];
    } else {
      const double w = (x - t[b]) / (t[b + 1] - t[b]);
      out[i] = 60000.0 / rr[b] * (1 - w) + 60000.0 / rr[b + 1] * w;
    }
  }
  return out;
}

} // namespace pneuma::dsp
