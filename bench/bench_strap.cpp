// Benchmark of the strap-only live path: a Polar H10's RR, ECG (130 Hz) and ACC (200 Hz), no belt,
// through the live analyzer (heart stream, chest-motion / ECG / RSA breathing, source choice).
#include <vector>

#include "bench.hpp"
#include "live/live_analyzer.hpp"
#include "pneuma/drivers/sim/sim_device.hpp"

namespace pneuma::bench {
namespace {

struct StrapRecorder final : drivers::SampleSink {
  std::vector<drivers::DeviceSample> samples;
  void on_sample(drivers::DeviceSample const& s) noexcept override {
    if (!std::holds_alternative<drivers::RespSample>(s)) samples.push_back(s); // a strap alone
  }
};

Result live_analyzer_1h_strap() {
  StrapRecorder rec;
  auto params = drivers::sim::PersonParams::from_spec(drivers::SourceSpec::parse("sim:ecg=130,acc=200"));
  drivers::sim::SimSensors sensors(params, [](double t) {
    return std::optional<drivers::sim::BreathCue>({t * 0.1, 6.0, 0.4});
  });
  sensors.advance_to(3600.0, rec);
  app::LiveAnalyzer analyzer({50.0, 130.0});
  const std::size_t warm = 20000; // the first minute and a half: windows filled once
  for (std::size_t i = 0; i < warm; ++i) analyzer.process(rec.samples[i]);
  Result r = measure(static_cast<double>(rec.samples.size() - warm), [&] {
    for (std::size_t i = warm; i < rec.samples.size(); ++i) analyzer.process(rec.samples[i]);
  });
  keep(analyzer.metrics());
  return r;
}

Registration r1("live_analyzer_1h_strap",
                "the DSP thread's work on 1 h of a simulated H10 alone (RR, ECG 130 Hz, ACC 200 Hz); items = samples",
                live_analyzer_1h_strap);

} // namespace
} // namespace pneuma::bench
