#include "pneuma/drivers/sim/sim_device.hpp"


namespace pneuma::drivers::sim {

SimSensors::SimSensors(PersonParams params, BreathGuide guide)
    : person_(params, std::move(guide)) {
  if (params.ecg_hz > 0) ecg_.emplace(params.ecg_hz, params.seed);
  if (params.acc_hz > 0) acc_.emplace(params.acc_hz, params.seed, params.posture_per_min, params.moves_per_min);
}

int SimSensors::advance_to(double t_s, SampleSink& sink, int max_steps) {
  const double dt = 1.0 / person_.params().belt_hz;
  int steps = 0;
  while (person_.time_s() + dt <= t_s && steps < max_steps) {
    const PersonFrame f = person_.step();
    ++steps;
    sink.on_sample(RespSample{f.t_s, f.t_s, static_cast<float>(f.belt)});
    if (f.beat_s) strap_.add_beat(*f.beat_s);
    if (ecg_) {
      ecg_->volume(f.t_s, f.volume);
      if (f.beat_s) ecg_->beat(*f.beat_s, [&sink](EcgSample const& e) { sink.on_sample(e); });
    }
    if (acc_) {
      if (f.beat_s) acc_->beat(*f.beat_s);
      acc_->advance(f.t_s, f.volume, [&sink](AccSample const& a) { sink.on_sample(a); });
    }
    if (auto n = strap_.poll(f.t_s)) {
      sink.on_sample(HeartRate{n->t_s, static_cast<float>(n->hr_bpm), false, false});
      for (int i = 0; i < n->rr_count; ++i)
        sink.on_sample(RrInterval{n->t_s, kNoDeviceTime, n->rr_ticks[static_cast<std::size_t>(i)]});
    }
  }
  return steps;
}

SimDevice::SimDevice(boost::asio::any_io_executor executor, Clock const& clock,
                     PersonParams params, BreathGuide guide)
    : loop_(std::move(executor), clock), sensors_(params, std::move(guide)) {}

SimDevice::~SimDevice() { stop(); }

void SimDevice::start(SampleSink& sink) {
  sink.on_sample(DeviceStatus::make(loop_.clock().now_s(), DeviceStatus::State::streaming,
                                    sensors_.person().params().acc_hz > 0 || sensors_.person().params().ecg_hz > 0
                                        ? "simulated person: belt and Polar-style strap (ECG/ACC)"
                                        : "simulated person: belt and heart-rate strap"));
  loop_.start([this, &sink](double now_s) { sensors_.advance_to(now_s, sink, 20000); });
}

void SimDevice::stop() noexcept { loop_.stop(); }

} // namespace pneuma::drivers::sim
