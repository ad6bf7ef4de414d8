// Benchmarks of the foundation slice: the spectral breathing-rate block and the live analyzer.
#include <cmath>
#include <numbers>
#include <vector>

#include "live/live_analyzer.hpp"
#include "bench.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"
#include "pneuma/dsp/spectral_rate.hpp"

namespace pneuma::bench {
namespace {

Result spectral_rate_1h_50hz() {
  const dsp::SampleRate fs(50.0);
  const int n = 3600 * 50;
  std::vector<float> x(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    x[static_cast<std::size_t>(i)] =
        static_cast<float>(std::sin(2 * std::numbers::pi * 0.1 * i / fs.hz()) + 0.01 * (i % 7));
  dsp::SpectralRateEstimator est({}, fs);
  double sum = 0;
  for (int i = 0; i < 60 * 50; ++i) // warm-up: fill the window once
    if (auto r = est.process(x[static_cast<std::size_t>(i)])) sum += r->rate_bpm;
  Result r = measure(n, [&] {
    for (float v : x)
      if (auto e = est.process(v)) sum += e->rate_bpm;
  });
  keep(sum);
  return r;
}

/// Records what a sim produces, for replay into the analyzer.
struct Recorder final : drivers::SampleSink {
  std::vector<drivers::DeviceSample> samples;
  void on_sample(drivers::DeviceSample const& s) noexcept override { samples.push_back(s); }
};

Result live_analyzer_1h_sim() {
  Recorder rec;
  drivers::sim::SimSensors sensors({}, [](double t) {
    return std::optional<drivers::sim::BreathCue>({t * 0.1, 6.0, 0.4});
  });
  sensors.advance_to(3600.0, rec);
  app::LiveAnalyzer analyzer({50.0});
  for (std::size_t i = 0; i < 3000; ++i) analyzer.process(rec.samples[i]);
  Result r = measure(static_cast<double>(rec.samples.size() - 3000), [&] {
    for (std::size_t i = 3000; i < rec.samples.size(); ++i) analyzer.process(rec.samples[i]);
  });
  keep(analyzer.metrics());
  return r;
}

Registration r1("resp_rate_spectral_1h_50hz",
                "spectral breathing rate (60 s window, 1 s hop) on 1 h of belt at 50 Hz; items = samples",
                spectral_rate_1h_50hz);
Registration r2("live_analyzer_1h_sim",
                "the slice's DSP thread work on 1 h of simulated belt + RR; items = samples",
                live_analyzer_1h_sim);

} // namespace
} // namespace pneuma::bench
