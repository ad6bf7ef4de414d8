#include "live/sample_feed.hpp"

#include <atomic>

#include "live/seqlock.hpp"
#include "live/source_factory.hpp"
#include "pacer/pacer_timeline.hpp"
#include "pneuma/drivers/io_thread.hpp"

namespace pneuma::app {

struct SampleFeed::Impl final : drivers::SampleSink {
  Impl(SpscQueue<drivers::DeviceSample>& q, drivers::Clock const& c)
      : queue(q), clock(c), io([this](std::string const& what) {
          on_sample(drivers::DeviceStatus::make(clock.now_s(), drivers::DeviceStatus::State::error, what));
        }) {}
  void on_sample(drivers::DeviceSample const& s) noexcept override { (void)queue.try_push(s); }

  SpscQueue<drivers::DeviceSample>& queue;
  drivers::Clock const& clock;
  SeqLock<PacerTimeline> pacer{PacerTimeline{}}; // a simulated person breathes on their own
  drivers::IoThread io;
  std::vector<std::unique_ptr<drivers::Device>> devices;
  bool started = false;
};

SampleFeed::SampleFeed(std::vector<drivers::SourceSpec> const& sources, drivers::Clock const& clock,
                       std::size_t capacity)
    : queue_(capacity), impl_(std::make_unique<Impl>(queue_, clock)) {
  for (auto const& spec : sources)
    impl_->devices.push_back(make_device(spec, SourceContext{impl_->io.executor(), clock, impl_->pacer}));
}

SampleFeed::~SampleFeed() { stop(); }

void SampleFeed::start() {
  if (impl_->started) return;
  impl_->started = true;
  for (auto& d : impl_->devices) d->start(*impl_);
  impl_->io.start();
}

void SampleFeed::stop() noexcept {
  if (!impl_ || !impl_->started) return;
  impl_->started = false;
  for (auto& d : impl_->devices) d->stop();
  impl_->io.stop();
}

} // namespace pneuma::app
