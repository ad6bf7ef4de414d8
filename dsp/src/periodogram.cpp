#include "pneuma/dsp/periodogram.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "pneuma/dsp/real_fft.hpp"

namespace pneuma::dsp {

double log_parabolic_offset(double p_before, double p_peak, double p_after) noexcept {
  const double a = std::log(p_before + 1e-30), b = std::log(p_peak + 1e-30), c = std::log(p_after + 1e-30);
  const double den = a - 2 * b + c;
  return den < 0 ? std::clamp(0.5 * (a - c) / den, -0.5, 0.5) : 0.0;
}

double Periodogram::power(Hz lo, Hz hi) const noexcept {
  double p = 0;
  for (std::size_t k = 0; k < psd.size(); ++k) {
    const double f = static_cast<double>(k) * df;
    if (f >= lo.hz() && f < hi.hz()) p += psd[k] * df;
  }
  return p;
}

std::size_t Periodogram::bin(Hz f) const noexcept {
  if (psd.empty()) return 0;
  return std::min(psd.size() - 1, static_cast<std::size_t>(std::lround(f.hz() / df)));
}

std::optional<Hz> Periodogram::peak(Hz lo, Hz hi) const noexcept {
  if (psd.empty()) return std::nullopt;
  std::size_t best = 0;
  double best_p = -1;
  for (std::size_t k = 1; k + 1 < psd.size(); ++k) {
    const double f = static_cast<double>(k) * df;
    if (f < lo.hz() || f > hi.hz()) continue;
    if (psd[k] > best_p) {
      best_p = psd[k];
      best = k;
    }
  }
  if (best == 0 || best_p <= 0) return std::nullopt;
  return Hz((static_cast<double>(best) + log_parabolic_offset(psd[best - 1], psd[best], psd[best + 1])) * df);
}

Periodogram periodogram(std::span<const double> x, SampleRate fs, int min_nfft) {
  Periodogram s;
  if (x.size() < 16) return s;
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  int nfft = 2;
  while (nfft < min_nfft || nfft < static_cast<int>(4 * x.size())) nfft *= 2;
  std::vector<float> frame(static_cast<std::size_t>(nfft), 0.0F);
  double wsum = 0;
  const double n = static_cast<double>(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * (static_cast<double>(i) + 0.5) / n);
    wsum += w * w;
    frame[i] = static_cast<float>((x[i] - mean) * w);
  }
  RealFft fft(nfft);
  std::vector<std::complex<float>> out(static_cast<std::size_t>(fft.bins()));
  if (!fft.forward(frame, out)) return s; // sizes come from nfft: never
  s.df = fs.hz() / nfft;
  s.psd.resize(out.size());
  s.bins.resize(out.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    s.bins[k] = std::complex<double>(out[k].real(), out[k].imag());
    s.psd[k] = 2.0 * std::norm(s.bins[k]) / (fs.hz() * wsum);
  }
  return s;
}

} // namespace pneuma::dsp
