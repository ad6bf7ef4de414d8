// Benchmarks of the respiration pipeline (RespAnalyzer: decimation, Butterworth filters, breath
// detector, rate smoothing, spectral rate, quality) on 1 h of synthetic belt signal.
// Peer for scale (../shared/reference/README.md): NeuroKit2 rsp_process, 1 h at 100 Hz 0.58 s,
// at 1000 Hz 6.35 s on a 2-core Debian 12 machine.
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "bench.hpp"
#include "pneuma/dsp/resp_analyzer.hpp"

namespace pneuma::bench {
namespace {

/// 1 h of breathing around 12/min (CV 10 %), raised-cosine inhale, exponential exhale, noise, drift.
std::vector<float> belt_hour(double fs) {
  std::mt19937 rng(5);
  std::normal_distribution<double> g(0.0, 1.0);
  const auto n = static_cast<std::size_t>(3600 * fs);
  std::vector<float> x(n);
  double t0 = 0, period = 5, drift = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / fs;
    if (t >= t0 + period) {
      t0 += period;
      period = 5.0 * (1.0 + 0.1 * g(rng));
    }
    const double u = t - t0, ti = 0.4 * period;
    const double v = u < ti ? 0.5 * (1 - std::cos(std::numbers::pi * u / ti))
                            : std::exp(-(u - ti) / 1.0);
    drift += 0.002 * g(rng) / std::sqrt(fs);
    x[i] = static_cast<float>(2000 + 400 * (v + drift) + 4 * g(rng));
  }
  return x;
}

Result resp_hour(double fs, double neurokit_s) {
  const auto x = belt_hour(fs);
  dsp::RespAnalyzer analyzer({}, dsp::SampleRate(fs));
  std::uint64_t breaths = 0;
  const auto warm = static_cast<std::size_t>(60 * fs); // first minute: fills the windows
  for (std::size_t i = 0; i < warm; ++i) analyzer.process(x[i]);
  Result r = measure(static_cast<double>(x.size() - warm), [&] {
    for (std::size_t i = warm; i < x.size(); ++i)
      breaths += (analyzer.process(x[i]) & dsp::kRespNewBreath) ? 1 : 0;
  });
  keep(breaths);
  const double per_hour = r.seconds * static_cast<double>(x.size()) / r.items;
  r.extra["breaths"] = static_cast<double>(breaths);
  r.extra["seconds_per_hour"] = per_hour;
  r.extra["neurokit_seconds_per_hour"] = neurokit_s;
  r.extra["speedup_vs_neurokit"] = neurokit_s / per_hour;
  return r;
}

Registration r1("resp_1h_100hz",
                "full respiration pipeline (RespAnalyzer) on 1 h of belt at 100 Hz; items = samples",
                [] { return resp_hour(100.0, 0.58); });
Registration r2("resp_1h_1000hz",
                "full respiration pipeline (RespAnalyzer) on 1 h of belt at 1000 Hz; items = samples",
                [] { return resp_hour(1000.0, 6.35); });

} // namespace
} // namespace pneuma::bench
