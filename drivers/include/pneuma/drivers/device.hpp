#pragma once
// The driver lifecycle: a device is created on an io_context executor, started with a sink, and
// stopped. It owns no thread; all its callbacks run on the io thread.

#include <string_view>

#include "pneuma/drivers/sample.hpp"

namespace pneuma::drivers {

/// Receives what a device produces. Called on the io thread only; must not block or throw.
class SampleSink {
public:
  virtual ~SampleSink() = default;
  virtual void on_sample(DeviceSample const& sample) noexcept = 0;
};

class Device {
public:
  virtual ~Device() = default;
  /// Begins streaming asynchronously (never blocks). May throw on bad configuration.
  virtual void start(SampleSink& sink) = 0;
  /// Stops streaming (sends the device its stop commands where it has any); never throws.
  virtual void stop() noexcept = 0;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
};

} // namespace pneuma::drivers
