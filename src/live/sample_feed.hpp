#pragma once
// Devices on their own io thread feeding one SPSC queue, for a consumer that is not a live
// session (the all-day watch): no dsp thread, no mailbox, no recording. The consumer drains the
// queue when it likes; a full queue counts drops (the io thread never blocks).
// Thread contract: construct, start, drain and stop from one thread; the devices run on the
// io thread inside.

#include <memory>
#include <vector>

#include "live/spsc_queue.hpp"
#include "pneuma/drivers/clock.hpp"
#include "pneuma/drivers/sample.hpp"
#include "pneuma/drivers/source_spec.hpp"

namespace pneuma::app {

class SampleFeed {
public:
  /// Throws std::invalid_argument (one line) for a bad or unsupported source.
  SampleFeed(std::vector<drivers::SourceSpec> const& sources, drivers::Clock const& clock,
             std::size_t capacity = 8192);
  ~SampleFeed();
  SampleFeed(SampleFeed const&) = delete;
  SampleFeed& operator=(SampleFeed const&) = delete;

  void start();
  void stop() noexcept; ///< devices' stop commands, then the io thread; idempotent
  /// Consumer: everything queued now, oldest first.
  template <class F> std::size_t drain(F&& f) noexcept { return queue_.drain(std::forward<F>(f)); }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return queue_.dropped(); }

private:
  struct Impl;
  SpscQueue<drivers::DeviceSample> queue_;
  std::unique_ptr<Impl> impl_;
};

} // namespace pneuma::app
