#pragma once
// The `sim` source: a simulated Person served as a belt (RespSample at belt_hz) plus a BLE-style
// strap (HeartRate + RrInterval bundled once per second; ECG and ACC samples when asked for), paced by the session clock (so --speed K
// runs K times faster). Output is deterministic for a seed: samples are generated on a fixed time
// grid however the timer jitters.

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <optional>

#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/device.hpp"
#include "pneuma/drivers/sim/acc_synth.hpp"
#include "pneuma/drivers/sim/ecg_synth.hpp"
#include "pneuma/drivers/sim/person.hpp"
#include "pneuma/drivers/sim/strap_reporter.hpp"
#include "pneuma/drivers/timer_loop.hpp"

namespace pneuma::drivers::sim {

/// Generates everything the simulated person's sensors would send, up to a session time.
/// Pure (no I/O, no clock): the SimDevice and the tests drive it.
class SimSensors {
public:
  SimSensors(PersonParams params, BreathGuide guide);
  /// Emits all samples with t <= t_s into `sink`; at most `max_steps` steps per call.
  /// Returns the number of steps taken.
  int advance_to(double t_s, SampleSink& sink, int max_steps = 1 << 20);
  [[nodiscard]] Person const& person() const noexcept { return person_; }

private:
  Person person_;
  StrapReporter strap_;
  std::optional<EcgSynth> ecg_; ///< when PersonParams::ecg_hz > 0
  std::optional<AccSynth> acc_; ///< when PersonParams::acc_hz > 0
};

class SimDevice final : public Device {
public:
  SimDevice(boost::asio::any_io_executor executor, Clock const& clock, PersonParams params,
            BreathGuide guide);
  ~SimDevice() override;
  void start(SampleSink& sink) override;
  void stop() noexcept override;
  [[nodiscard]] std::string_view name() const noexcept override { return "sim"; }

private:
  TimerLoop loop_;
  SimSensors sensors_;
};

} // namespace pneuma::drivers::sim
