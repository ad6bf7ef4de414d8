#include "pneuma/dsp/welch.hpp"

#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "pneuma/dsp/real_fft.hpp"

namespace pneuma::dsp {

double Spectrum::band_power(double lo_hz, double hi_hz) const noexcept {
  double sum = 0;
  for (std::size_t k = 0; k < freq_hz.size(); ++k)
    if (freq_hz[k] >= lo_hz && freq_hz[k] < hi_hz) sum += psd[k];
  return sum * df();
}

double Spectrum::peak_hz(double lo_hz, double hi_hz) const noexcept {
  double best = -1, f = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t k = 0; k < freq_hz.size(); ++k)
    if (freq_hz[k] >= lo_hz && freq_hz[k] < hi_hz && psd[k] > best) {
      best = psd[k];
      f = freq_hz[k];
    }
  return f;
}

Spectrum welch_psd(std::span<const double> x, SampleRate fs, int segment_len) {
  if (x.size() < 4) throw std::invalid_argument("welch: needs at least 4 samples");
  int len = std::min<int>(segment_len, static_cast<int>(x.size()));
  len -= len % 2;
  const int step = len / 2;
  RealFft fft(len);
  std::vector<float> seg(static_cast<std::size_t>(len));
  std::vector<std::complex<float>> bins(static_cast<std::size_t>(fft.bins()));
  std::vector<double> w(static_cast<std::size_t>(len));
  double wss = 0;
  for (int i = 0; i < len; ++i) { // periodic Hann (scipy get_window('hann', fftbins=True))
    w[static_cast<std::size_t>(i)] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / len);
    wss += w[static_cast<std::size_t>(i)] * w[static_cast<std::size_t>(i)];
  }
  Spectrum s;
  s.freq_hz.resize(bins.size());
  s.psd.assign(bins.size(), 0.0);
  for (std::size_t k = 0; k < bins.size(); ++k) s.freq_hz[k] = static_cast<double>(k) * fs.hz() / len;
  int segments = 0;
  for (std::size_t start = 0; start + static_cast<std::size_t>(len) <= x.size(); start += static_cast<std::size_t>(step)) {
    double mean = 0;
    for (int i = 0; i < len; ++i) mean += x[start + static_cast<std::size_t>(i)];
    mean /= len;
    for (int i = 0; i < len; ++i)
      seg[static_cast<std::size_t>(i)] = static_cast<float>((x[start + static_cast<std::size_t>(i)] - mean) * w[static_cast<std::size_t>(i)]);
    if (!fft.forward(seg, bins)) throw std::logic_error("welch_psd: segment and FFT sizes differ");
    for (std::size_t k = 0; k < bins.size(); ++k) s.psd[k] += std::norm(std::complex<double>(bins[k]));
    ++segments;
  }
  const double scale = 1.0 / (fs.hz() * wss * segments);
  for (std::size_t k = 0; k < bins.size(); ++k) {
    const bool edge = k == 0 || k + 1 == bins.size();
    s.psd[k] *= scale * (edge ? 1.0 : 2.0);
  }
  return s;
}

} // namespace pneuma::dsp
