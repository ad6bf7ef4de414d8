#include "pneuma/dsp/spectral_rate.hpp"

#include "pneuma/dsp/periodogram.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace pneuma::dsp {

SpectralRateEstimator::SpectralRateEstimator(SpectralRateConfig const& config, SampleRate fs)
    : config_(config),
      decimation_(std::max(1, static_cast<int>(std::lround(fs.hz() / config.analysis.hz())))),
      analysis_hz_(fs.hz() / decimation_),
      window_len_(SampleRate(analysis_hz_).samples_in(config.window)),
      hop_len_(SampleRate(analysis_hz_).samples_in(config.hop)),
      min_fill_(SampleRate(analysis_hz_).samples_in(config.min_fill)), fft_(config.nfft) {
  if (!(config.lo.hz() > 0) || !(config.hi.hz() > config.lo.hz()))
    throw std::invalid_argument("spectral rate band must satisfy 0 < lo < hi");
  if (config.hi.hz() >= analysis_hz_ / 2)
    throw std::invalid_argument("spectral rate band exceeds the analysis Nyquist frequency");
  if (window_len_ > config.nfft)
    throw std::invalid_argument("spectral rate window is longer than the FFT size");
  min_fill_ = std::min(min_fill_, window_len_);
  ring_.assign(static_cast<std::size_t>(window_len_), 0.0F);
  frame_.assign(static_cast<std::size_t>(config.nfft), 0.0F);
  spectrum_.assign(static_cast<std::size_t>(fft_.bins()), {});
  hann_.resize(static_cast<std::size_t>(window_len_));
  for (int i = 0; i < window_len_; ++i)
    hann_[static_cast<std::size_t>(i)] = static_cast<float>(
        0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * (i + 0.5) / window_len_));
}

void SpectralRateEstimator::reset() noexcept {
  std::fill(ring_.begin(), ring_.end(), 0.0F);
  block_sum_ = 0;
  block_count_ = 0;
  write_ = 0;
  filled_ = 0;
  since_hop_ = 0;
}

std::optional<SpectralRate> SpectralRateEstimator::process(float x) noexcept {
  if (!std::isfinite(x)) {
    ++dropped_;
    return std::nullopt;
  }
  block_sum_ += x;
  if (++block_count_ < decimation_) return std::nullopt;
  ring_[static_cast<std::size_t>(write_)] = static_cast<float>(block_sum_ / block_count_);
  block_sum_ = 0;
  block_count_ = 0;
  write_ = (write_ + 1) % window_len_;
  filled_ = std::min(filled_ + 1, window_len_);
  if (++since_hop_ < hop_len_) return std::nullopt;
  since_hop_ = 0;
  if (filled_ < min_fill_) return std::nullopt;
  return estimate();
}

std::optional<SpectralRate> SpectralRateEstimator::estimate() noexcept {
  // Oldest-to-newest copy of the filled part, mean removed, Hann over the filled length.
  const int n = filled_;
  const int start = (write_ - n + window_len_) % window_len_;
  double mean = 0;
  for (int i = 0; i < n; ++i) mean += ring_[static_cast<std::size_t>((start + i) % window_len_)];
  mean /= n;
  std::fill(frame_.begin(), frame_.end(), 0.0F);
  const bool full = n == window_len_; // the usual case: the precomputed window fits
  for (int i = 0; i < n; ++i) {
    const double w = full ? hann_[static_cast<std::size_t>(i)]
                          : 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * (i + 0.5) / n);
    frame_[static_cast<std::size_t>(i)] =
        static_cast<float>((ring_[static_cast<std::size_t>((start + i) % window_len_)] - mean) * w);
  }
  if (!fft_.forward(frame_, spectrum_)) return std::nullopt; // sized at set-up: never

  const double bin_hz = analysis_hz_ / config_.nfft;
  const int lo = std::max(1, static_cast<int>(std::ceil(config_.lo.hz() / bin_hz)));
  const int hi = std::min(fft_.bins() - 2, static_cast<int>(std::floor(config_.hi.hz() / bin_hz)));
  int peak = lo;
  double band_power = 0;
  for (int k = lo; k <= hi; ++k) {
    const double p = std::norm(spectrum_[static_cast<std::size_t>(k)]);
    band_power += p;
    if (p > std::norm(spectrum_[static_cast<std::size_t>(peak)])) peak = k;
  }
  if (!(band_power > 0)) return std::nullopt;

  auto power = [&](int k) { return std::norm(spectrum_[static_cast<std::size_t>(k)]) + 1e-30; };
  auto raw_power = [&](int k) { return std::norm(spectrum_[static_cast<std::size_t>(k)]); };
  const double offset = peak > lo && peak < hi
                            ? log_parabolic_offset(raw_power(peak - 1), raw_power(peak), raw_power(peak + 1))
                            : 0.0;
  // Peak width scales with the zero padding: +-2 analysis-resolution bins around the peak.
  const int half_width = std::max(2, 2 * config_.nfft / n);
  double peak_power = 0;
  for (int k = std::max(lo, peak - half_width); k <= std::min(hi, peak + half_width); ++k)
    peak_power += power(k);
  return SpectralRate{hz_to_per_min((peak + offset) * bin_hz),
                      std::clamp(peak_power / band_power, 0.0, 1.0)};
}

} // namespace pneuma::dsp
