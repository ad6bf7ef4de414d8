#include "pneuma/dsp/hrv_frequency.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "pneuma/dsp/detrend.hpp"
#include "pneuma/dsp/lomb.hpp"
#include "pneuma/dsp/spline.hpp"
#include "pneuma/dsp/welch.hpp"

namespace pneuma::dsp {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kLombMaxBeats = 20000; // O(N F): up to ~5 h of beats
constexpr double kVlfLo = 0.0033, kLfLo = 0.04, kHfLo = 0.15, kHfHi = 0.4;
} // namespace

HrvFrequency hrv_frequency(std::span<const double> nn, std::span<const double> t_in, HrvFrequencyConfig const& cfg) {
  HrvFrequency r{kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 0};
  std::vector<double> t, y;
  t.reserve(nn.size());
  y.reserve(nn.size());
  double acc = 0;
  for (std::size_t i = 0; i < nn.size(); ++i) {
    if (!std::isfinite(nn[i])) continue;
    acc += nn[i] / 1000.0;
    const double ti = t_in.empty() ? acc : t_in[i];
    if (!t.empty() && !(ti > t.back())) continue; // a non-increasing time cannot be a new beat
    t.push_back(ti);
    y.push_back(nn[i]);
  }
  if (t.size() < 8) return r;
  r.duration_s = t.back() - t.front();
  if (r.duration_s < 60.0) return r;
  const SampleRate fs(cfg.resample_hz);
  const std::vector<double> even = cubic_spline_resample(t, y, fs);
  const std::vector<double> detrended =
      cfg.detrend_lambda > 0 ? smoothness_priors_detrend(even, cfg.detrend_lambda) : even;
  const int seg = static_cast<int>(cfg.welch_segment_s * fs.hz());
  const Spectrum psd = welch_psd(detrended, fs, seg);
  const bool has_lf = r.duration_s >= 120.0, has_vlf = r.duration_s >= 300.0;
  r.hf_ms2 = psd.band_power(kHfLo, kHfHi);
  r.hf_peak_hz = psd.peak_hz(kHfLo, kHfHi);
  if (has_lf) {
    r.lf_ms2 = psd.band_power(kLfLo, kHfLo);
    r.lf_peak_hz = psd.peak_hz(kLfLo, kHfLo);
    r.lf_hf = r.lf_ms2 / r.hf_ms2;
    r.lf_nu = 100.0 * r.lf_ms2 / (r.lf_ms2 + r.hf_ms2);
    r.hf_nu = 100.0 * r.hf_ms2 / (r.lf_ms2 + r.hf_ms2);
  }
  if (has_vlf) {
    const Spectrum raw = cfg.detrend_lambda > 0 ? welch_psd(even, fs, seg) : psd;
    r.vlf_ms2 = raw.band_power(kVlfLo, kLfLo);
    r.total_ms2 = r.vlf_ms2 + r.lf_ms2 + r.hf_ms2;
  }
  if (cfg.lomb && t.size() <= kLombMaxBeats) {
    // Same cut-off on the beat series: f_c = f_s / (pi sqrt(2 lambda)) -> lambda_b = lambda (f_b / f_s)^2.
    const double beat_rate = static_cast<double>(t.size() - 1) / r.duration_s;
    const double lambda_b = cfg.detrend_lambda * std::pow(beat_rate / fs.hz(), 2);
    const std::vector<double> yb = cfg.detrend_lambda > 0 ? smoothness_priors_detrend(y, lambda_b) : y;
    const double df = 0.001;
    const Spectrum ls = lomb_scargle_psd(t, yb, kLfLo, kHfHi, df);
    r.hf_lomb_ms2 = ls.band_power(kHfLo, kHfHi);
    if (has_lf) {
      r.lf_lomb_ms2 = ls.band_power(kLfLo, kHfLo);
      r.lf_hf_lomb = r.lf_lomb_ms2 / r.hf_lomb_ms2;
    }
  }
  return r;
}

} // namespace pneuma::dsp
