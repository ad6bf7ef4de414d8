#include "pneuma/drivers/sim/sim_device.hpp"

#include <chrono>

namespace pneuma::drivers::sim {

SimSensors::SimSensors(PersonParams params, BreathGuide guide)
    : person_(params, std::move(guide)) {
  if (params.ecg_hz > 0) ecg_.emplace(params.ecg_hz, params.seed);
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
    : timer_(std::move(executor)), clock_(clock), sensors_(params, std::move(guide)) {}

SimDevice::~SimDevice() { stop(); }

void SimDevice::start(SampleSink& sink) {
  sink_ = &sink;
  running_ = true;
  sink.on_sample(DeviceStatus::make(clock_.now_s(), DeviceStatus::State::streaming,
                                    "simulated person: belt and heart-rate strap"));
  schedule();
}

void SimDevice::stop() noexcept {
  running_ = false;
  try {
    timer_.cancel();
  } catch (...) { // cancel() reports only OS failures; nothing is left to clean up
  }
}

void SimDevice::schedule() noexcept {
  if (!running_) return;
  // Fine ticks at high speed keep the data close to the clock; 10 ms live.
  const auto period = clock_.speed() > 20 ? std::chrono::milliseconds(2)
                                          : std::chrono::milliseconds(10);
  timer_.expires_after(period);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    sensors_.advance_to(clock_.now_s(), *sink_, 20000);
    schedule();
  });
}

} // namespace pneuma::drivers::sim
