#include "pneuma/dsp/spectral_rate.hpp"

#include "pneuma/dsp/periodogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace pneuma::dsp {
namespace {
// |X|^2 in double: in float it overflows (to inf, and the quality to inf / inf) from |X| = 1.8e19,
// which a large-unit signal's 60-s sum reaches long before its samples near float's range.
double bin_power(std::complex<float> c) noexcept {
  const double re = c.real(), im = c.imag();
  return re * re + im * im;
}
constexpr double kNaNRate = std::numeric_limits<double>::quiet_NaN();
}

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
  last_n_ = 0;
  std::fill(ring_.begin(), ring_.end(), 0.0F);
  block_sum_ = 0;
  block_count_ = 0;
  write_ = 0;
  filled_ = 0;
  since_hop_ = 0;
  pending_fill_ = 0;
}

bool SpectralRateEstimator::bridge(double seconds) noexcept {
  if (!(seconds >= 0) || !(seconds <= max_bridge_s())) {
    reset();
    return false;
  }
  // The partial block before the hole is dropped: it would average samples from both sides.
  block_sum_ = 0;
  block_count_ = 0;
  pending_fill_ = std::min(window_len_, pending_fill_ + static_cast<int>(std::lround(seconds * analysis_hz_)));
  return true;
}

std::optional<SpectralRate> SpectralRateEstimator::process(float x) noexcept {
  if (!std::isfinite(x)) {
    ++dropped_;
    return std::nullopt;
  }
  block_sum_ += x;
  if (++block_count_ < decimation_) return std::nullopt;
  const auto v = static_cast<float>(block_sum_ / block_count_);
  if (pending_fill_ > 0 && filled_ > 0) {
    // The bridged hole: a straight line from the last sample to this one. Estimates that fall
    // due inside it are skipped (the hole is filled only now).
    const float last = ring_[static_cast<std::size_t>((write_ - 1 + window_len_) % window_len_)];
    for (int i = 1; i <= pending_fill_; ++i) {
      ring_[static_cast<std::size_t>(write_)] =
          last + (v - last) * static_cast<float>(i) / static_cast<float>(pending_fill_ + 1);
      write_ = (write_ + 1) % window_len_;
      filled_ = std::min(filled_ + 1, window_len_);
      since_hop_ = (since_hop_ + 1) % hop_len_;
    }
  }
  pending_fill_ = 0;
  ring_[static_cast<std::size_t>(write_)] = v;
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
  auto power = [&](int k) { return bin_power(spectrum_[static_cast<std::size_t>(k)]); };
  const bool flow_weighted = config_.flow_weighted;
  auto weight = [flow_weighted](int k) { return flow_weighted ? static_cast<double>(k) * k : 1.0; };
  // Volume power P(k) and flow power P(k) k^2 (the spectrum of the derivative).
  int vol_peak = lo, flow_peak = lo;
  double band_power = 0, band_flow = 0;
  for (int k = lo; k <= hi; ++k) {
    const double p = power(k), q = p * weight(k);
    band_power += p;
    band_flow += q;
    if (p > power(vol_peak)) vol_peak = k;
    if (q > power(flow_peak) * weight(flow_peak)) flow_peak = k;
  }
  if (!(band_power > 0)) return std::nullopt;
  last_n_ = n;
  last_band_flow_ = band_flow;
  // Peak width scales with the zero padding: +-2 analysis-resolution bins around the peak.
  const int half_width = std::max(2, 2 * config_.nfft / n);
  // The breath is the oscillation that moves the most air: the peak of the flow spectrum, not of
  // the volume spectrum. A slow swing of the baseline (posture, a slipping belt, a movement
  // transient, a vasomotor wave) can be larger in volume than a shallow fast breath riding on it,
  // but it reverses the flow less often and more slowly: every cycle of the faster one is a
  // breath in and out (design decision, resp_analyzer.hpp). A harmonic of a non-sinusoidal breath
  // can top the flow spectrum too: when a volume peak sits at 1/2 or 1/3 of the flow peak's
  // frequency (+-6 %, at least one resolution bin) and carries half its flow, the fundamental is
  // the breath.
  auto local_max = [&](int k, int w) {
    int best = std::clamp(k, lo, hi);
    for (int j = std::max(lo, k - w); j <= std::min(hi, k + w); ++j)
      if (power(j) > power(best)) best = j;
    return best;
  };
  const int resolution = std::max(1, config_.nfft / n); // bins per 1 / window
  int peak = local_max(flow_peak, resolution);
  for (int h : {2, 3}) {
    const int k = static_cast<int>(std::lround(static_cast<double>(peak) / h));
    const int w = std::max(resolution, static_cast<int>(std::lround(0.06 * k)));
    if (k - w < lo) continue;
    const int f = local_max(k, w);
    const bool is_max = f > lo && f < hi && power(f) >= power(f - 1) && power(f) >= power(f + 1);
    // ... and carries at least half the flow of its harmonic (a movement transient's low-frequency
    // bump does not: its volume is large, its flow small).
    if (is_max && std::abs(f * h - peak) <= std::max(resolution * h, static_cast<int>(std::lround(0.06 * peak))) &&
        power(f) * weight(f) >= 0.5 * power(peak) * weight(peak)) {
      peak = f;
      break;
    }
  }
  const double offset = peak > lo && peak < hi ? log_parabolic_offset(power(peak - 1), power(peak), power(peak + 1)) : 0.0;
  double peak_flow = 0;
  for (int k = std::max(lo, peak - half_width); k <= std::min(hi, peak + half_width); ++k) peak_flow += power(k) * weight(k);
  const double vol_offset = vol_peak > lo && vol_peak < hi
                                ? log_parabolic_offset(power(vol_peak - 1), power(vol_peak), power(vol_peak + 1))
                                : 0.0;
  return SpectralRate{hz_to_per_min((peak + offset) * bin_hz), std::clamp(peak_flow / band_flow, 0.0, 1.0),
                      hz_to_per_min((vol_peak + vol_offset) * bin_hz)};
}

std::optional<SpectralRate> SpectralRateEstimator::peak_near(double bpm, double tol) const noexcept {
  if (last_n_ == 0 || !(bpm > 0) || !(last_band_flow_ > 0)) return std::nullopt;
  const double bin_hz = analysis_hz_ / config_.nfft;
  const int lo = std::max(1, static_cast<int>(std::ceil(config_.lo.hz() / bin_hz)));
  const int hi = std::min(fft_.bins() - 2, static_cast<int>(std::floor(config_.hi.hz() / bin_hz)));
  auto power = [&](int k) { return bin_power(spectrum_[static_cast<std::size_t>(k)]); };
  const bool flow_weighted = config_.flow_weighted;
  auto weight = [flow_weighted](int k) { return flow_weighted ? static_cast<double>(k) * k : 1.0; };
  const double centre = bpm / 60.0 / bin_hz;
  const int a = std::max(lo + 1, static_cast<int>(std::floor(centre * (1 - tol))));
  const int b = std::min(hi - 1, static_cast<int>(std::ceil(centre * (1 + tol))));
  int best = -1;
  for (int k = a; k <= b; ++k)
    if (power(k) >= power(k - 1) && power(k) >= power(k + 1) && (best < 0 || power(k) > power(best))) best = k;
  if (best < 0) return std::nullopt;
  const int half_width = std::max(2, 2 * config_.nfft / last_n_);
  double flow = 0;
  for (int k = std::max(lo, best - half_width); k <= std::min(hi, best + half_width); ++k) flow += power(k) * weight(k);
  const double offset = log_parabolic_offset(power(best - 1), power(best), power(best + 1));
  return SpectralRate{hz_to_per_min((best + offset) * bin_hz), std::clamp(flow / last_band_flow_, 0.0, 1.0),
                      kNaNRate};
}

} // namespace pneuma::dsp
