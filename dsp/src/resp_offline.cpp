#include "pneuma/dsp/resp_offline.hpp"

#include <algorithm>
#include <cmath>

namespace pneuma::dsp {
namespace {

double median_of(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return kRespUnknown;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  return 0.5 * (*mid + *std::max_element(v.begin(), mid));
}

RespRecordAnalysis run_once(std::span<const double> x, SampleRate fs, RespAnalyzerConfig const& config) {
  RespAnalyzer a(config, fs);
  RespRecordAnalysis out;
  double quality_sum = 0, clipped_sum = 0;
  std::size_t seconds = 0;
  const auto per_second = static_cast<std::size_t>(std::max(1.0, std::round(fs.hz())));
  std::vector<double> spectral;
  std::size_t i = 0;
  for (double v : x) {
    const unsigned ev = a.process(static_cast<float>(v));
    if (ev & kRespPolarityChanged) { // the detector restarted the other way up
      out.breaths.clear();
      out.rate_series.clear();
    }
    if ((ev & kRespBreathCompleted) && !out.breaths.empty() && a.breaths().count() >= 2) {
      Breath const& prev = a.breaths().recent(1);
      if (out.breaths.back().number == prev.number) out.breaths.back() = prev;
    }
    if ((ev & kRespBreathRevised) && !out.breaths.empty()) {
      out.breaths.back() = a.last_breath();
      if (!out.rate_series.empty()) out.rate_series.back().first = a.last_breath().peak_s;
    }
    if (ev & kRespNewBreath) {
      out.breaths.push_back(a.last_breath());
      if (std::isfinite(a.metrics().rate_bpm))
        out.rate_series.emplace_back(a.last_breath().peak_s, a.metrics().rate_bpm);
    }
    if (ev & kRespSpectralRate) spectral.push_back(a.metrics().spectral_rate_bpm);
    if (++i % per_second == 0) {
      quality_sum += a.metrics().quality;
      clipped_sum += a.metrics().clipped_fraction;
      ++seconds;
    }
  }
  RespRecordSummary& s = out.summary;
  RespMetrics const& m = a.metrics();
  s.duration_s = static_cast<double>(x.size()) / fs.hz();
  std::vector<double> periods, depths, inhale, exhale, ie;
  double latency = kRespUnknown;
  for (auto const& b : out.breaths) {
    if (std::isfinite(b.period_s)) periods.push_back(b.period_s);
    depths.push_back(b.depth);
    inhale.push_back(b.inhale_s);
    exhale.push_back(b.exhale_s);
    ie.push_back(b.ie_ratio);
    const double l = b.reported_s - b.peak_s;
    if (!(l <= latency)) latency = l;
  }
  if (!periods.empty()) {
    double sum = 0, sum2 = 0;
    for (double p : periods) sum += p;
    const double mean = sum / static_cast<double>(periods.size());
    s.rate_bpm = 60.0 / mean;
    for (double p : periods) sum2 += (p - mean) * (p - mean);
    if (periods.size() >= 2) s.regularity_cv = std::sqrt(sum2 / static_cast<double>(periods.size() - 1)) / mean;
  }
  s.amplitude = median_of(depths);
  s.inhale_s = median_of(inhale);
  s.exhale_s = median_of(exhale);
  s.ie_ratio = median_of(ie);
  s.spectral_rate_bpm = median_of(spectral);
  s.max_latency_s = latency;
  s.quality = seconds > 0 ? quality_sum / static_cast<double>(seconds) : 0.0;
  s.clipped_fraction = seconds > 0 ? clipped_sum / static_cast<double>(seconds) : 0.0;
  s.sighs = 0;
  for (auto const& b : out.breaths) s.sighs += b.sigh ? 1 : 0;
  s.invalid_samples = m.invalid_samples;
  s.gaps = m.gaps;
  s.polarity = m.polarity;
  return out;
}

} // namespace

RespRecordAnalysis analyze_respiration(std::span<const double> x, SampleRate fs,
                                       RespAnalyzerConfig const& config) {
  RespRecordAnalysis first = run_once(x, fs, config);
  if (config.polarity == RespPolarity::automatic && first.summary.polarity == RespPolarity::down) {
    RespAnalyzerConfig fixed = config;
    fixed.polarity = RespPolarity::down;
    return run_once(x, fs, fixed);
  }
  return first;
}

} // namespace pneuma::dsp
